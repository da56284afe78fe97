#!/usr/bin/env bash
# Makes the spoken-digit clips of the speakers check (assets/speech/en/0.mp3 … 9.mp3), committed
# so builds need neither tool. Needs Debian's espeak-ng and ffmpeg:
#   apt-get install espeak-ng ffmpeg && bash scripts/make-digit-clips.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=assets/speech/en
mkdir -p "$out"
words=(zero one two three four five six seven eight nine)
tmp=$(mktemp -d)
for d in "${!words[@]}"; do
  espeak-ng -v en-us -s 150 -a 180 -w "$tmp/$d.wav" "${words[$d]}"
  # mono 22.05 kHz, trimmed of leading/trailing silence, normalised to -3 dBFS peak
  ffmpeg -loglevel error -y -i "$tmp/$d.wav" \
    -af "silenceremove=start_periods=1:start_threshold=-50dB,areverse,silenceremove=start_periods=1:start_threshold=-50dB,areverse,loudnorm=I=-16:TP=-3" \
    -ac 1 -ar 22050 -c:a libmp3lame -b:a 40k -map_metadata -1 -fflags +bitexact "$out/$d.mp3"
done
rm -rf "$tmp"
ls -l "$out"
