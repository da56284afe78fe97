// Audio evaluation: builds sound scenes here (speech from espeak-ng, two voices, fan, hum, typing,
// coughs, a door, music, silence; mixed at several levels), runs them through the audio tracker's
// classifier (src/media/voice-activity.ts, the same code the browser runs) and prints false alarms
// per hour on the noise-only scenes and the share of speech segments over 2 s that were caught.
// Run: `npm run eval` (needs espeak-ng and sox: `apt-get install -y espeak-ng sox`).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_VAD, VoiceActivity } from '../src/media/voice-activity.ts';

const RATE = 48000; // Chromium's usual AudioContext rate
const FRAME = 2048; // the tracker's AnalyserNode window
const HOP_MS = DEFAULT_VAD.hopMs;

for (const tool of ['espeak-ng', 'sox']) {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) {
    console.error(`eval: ${tool} is missing: install it with \`apt-get install -y espeak-ng sox\` and run again.`);
    process.exit(1);
  }
}

const work = join(tmpdir(), `proctor-eval-audio-${process.pid}`);
mkdirSync(work, { recursive: true });
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/** Deterministic PRNG (mulberry32). */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A mono 16-bit WAV made by sox (any input) at RATE, as Float32Array. */
function readWav(file) {
  const out = join(work, `r-${Math.random().toString(36).slice(2)}.raw`);
  execFileSync('sox', [file, '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', out]);
  const buf = readFileSync(out);
  const x = new Float32Array(buf.length / 2);
  for (let i = 0; i < x.length; i++) x[i] = buf.readInt16LE(i * 2) / 32768;
  return x;
}

const rms = (x) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));
/** Scales x so its RMS over its loud part (samples above 1% of peak: speech without its silences) is `db` dBFS. */
function atLevel(x, db) {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const loud = x.filter((v) => Math.abs(v) > peak * 0.01);
  const g = 10 ** (db / 20) / Math.max(1e-9, rms(loud));
  return x.map((v) => v * g);
}

// ---- sources -------------------------------------------------------------------------------------
const SENTENCES = [
  'The answer to question four is the mitochondria, write that down.',
  'Can you tell me what you got for the second part?',
  'I think it is seventeen, but check the units first.',
  'Open the other tab and look at chapter three, the table on page twelve.',
  'No, the derivative of the sine is the cosine, not minus the cosine.',
  'Read me the next question slowly please.',
  'We have about twenty minutes left, hurry up.',
  'Let me see, forty two times three is one hundred and twenty six.',
];

function speech(text, voice, i) {
  const file = join(work, `s-${voice.replace(/\W/g, '')}-${i}.wav`);
  execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', file, text]);
  return trimSilence(readWav(file));
}
function trimSilence(x) {
  let a = 0;
  let b = x.length;
  while (a < b && Math.abs(x[a]) < 1e-3) a++;
  while (b > a && Math.abs(x[b - 1]) < 1e-3) b--;
  return x.slice(a, b);
}

function soxSynth(seconds, ...effects) {
  const file = join(work, `n-${Math.random().toString(36).slice(2)}.wav`);
  execFileSync('sox', ['-n', '-r', String(RATE), '-c', '1', '-b', '16', file, 'synth', String(seconds), ...effects]);
  return readWav(file);
}

const roomTone = (seconds, db, seed) => {
  const r = prng(seed);
  const x = new Float32Array(Math.round(seconds * RATE));
  let last = 0;
  for (let i = 0; i < x.length; i++) x[i] = last = 0.97 * last + 0.03 * (r() * 2 - 1);
  return atLevel(x, db);
};
const fan = (seconds, db) => atLevel(soxSynth(seconds, 'brownnoise', 'lowpass', '1500', 'tremolo', '9', '5'), db);
const hum = (seconds, db) => atLevel(soxSynth(seconds, 'sine', '50', 'sine', '100', 'sine', '150', 'remix', '-'), db);

/**
 * A tone switched on and off: `onMs` of `freq` Hz every `periodMs` (in groups of `group` beeps, then
 * a pause of `restMs`), square or sine. Chromium's fake microphone (`--use-fake-device-for-media-stream`)
 * is `beeps(s, db, { freq: 400, onMs: 20, periodMs: 500, square: true })` over digital silence
 * (media/audio/fake_audio_input_stream.cc: kBeepDurationMilliseconds 20, kBeepFrequency 400, an
 * automatic beep every 500 ms).
 */
function beeps(seconds, db, { freq, onMs, periodMs, square = false, group = 1, restMs = 0 }) {
  const x = new Float32Array(Math.round(seconds * RATE));
  const cycle = group * periodMs + restMs;
  for (let i = 0; i < x.length; i++) {
    const ms = ((i / RATE) * 1000) % cycle;
    if (ms >= group * periodMs || ms % periodMs >= onMs) continue;
    const v = Math.sin((2 * Math.PI * freq * i) / RATE);
    x[i] = square ? Math.sign(v) : v;
  }
  return atLevel(x, db);
}

/** Short events placed at random: key clicks (in bursts), coughs, door slams. */
function events(seconds, kind, seed, db) {
  const r = prng(seed);
  const x = new Float32Array(Math.round(seconds * RATE));
  const place = (at, len, shape) => {
    for (let i = 0; i < len && at + i < x.length; i++) x[at + i] += shape(i / RATE);
  };
  if (kind === 'typing') {
    for (let t = 1 + r() * 2; t < seconds - 1;) {
      const burst = 2 + r() * 8; // seconds of typing, then a pause to think
      for (let k = t; k < Math.min(t + burst, seconds - 1); k += 0.08 + r() * 0.25)
        place(Math.round(k * RATE), Math.round(0.015 * RATE), (s) => (r() * 2 - 1) * Math.exp(-s / 0.003));
      t += burst + 1 + r() * 6;
    }
  } else if (kind === 'cough') {
    for (let t = 3 + r() * 10; t < seconds - 2; t += 8 + r() * 20) {
      const n = 1 + Math.floor(r() * 3); // one to three coughs
      for (let c = 0; c < n; c++) {
        let last = 0;
        place(Math.round((t + c * 0.45) * RATE), Math.round(0.3 * RATE), (s) => {
          last = 0.6 * last + 0.4 * (r() * 2 - 1);
          return last * Math.sin(Math.PI * Math.min(1, s / 0.3)) * Math.exp(-s / 0.15);
        });
      }
    }
  } else if (kind === 'door') {
    for (let t = 4 + r() * 10; t < seconds - 2; t += 15 + r() * 25)
      place(
        Math.round(t * RATE),
        Math.round(0.8 * RATE),
        (s) => (0.7 * Math.sin(2 * Math.PI * 70 * s) + 0.3 * (r() * 2 - 1)) * Math.exp(-s / 0.12),
      );
  }
  return atLevel(x, db);
}

/** Music: plucked chords and a melody (sox), looped to length. */
function music(seconds, db) {
  const notes = ['C4', 'E4', 'G4', 'A3', 'F4', 'D4', 'B3', 'G3'];
  const parts = [];
  for (let i = 0; i < 16; i++)
    parts.push(soxSynth(0.5, 'pluck', notes[i % notes.length], 'pluck', notes[(i + 2) % notes.length]));
  const bar = concat(parts);
  const x = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < x.length; i++) x[i] = bar[i % bar.length];
  return atLevel(x, db);
}

function concat(parts) {
  const x = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    x.set(p, o);
    o += p.length;
  }
  return x;
}
function mix(length, ...tracks) {
  const x = new Float32Array(length);
  for (const [t, at = 0] of tracks) for (let i = 0; i < t.length && at + i < length; i++) x[at + i] += t[i];
  return x;
}

/**
 * Utterances placed in a scene: sentences (or a few joined with short pauses, a longer turn) with
 * gaps; returns the audio track and the segments [startMs, endMs].
 */
function talk(seconds, voices, db, seed, { firstAt = 3, gap = [2, 8] } = {}) {
  const r = prng(seed);
  const track = new Float32Array(Math.round(seconds * RATE));
  const segments = [];
  let t = firstAt;
  let v = 0;
  while (t < seconds - 8) {
    const voice = voices[v++ % voices.length];
    const count = 1 + Math.floor(r() * 3);
    const parts = [];
    for (let k = 0; k < count; k++) {
      parts.push(voice.clips[Math.floor(r() * voice.clips.length)]);
      parts.push(new Float32Array(Math.round((0.3 + r() * 0.5) * RATE))); // a breath between sentences
    }
    const utterance = atLevel(concat(parts.slice(0, -1)), db + voice.offsetDb);
    const at = Math.round(t * RATE);
    for (let i = 0; i < utterance.length && at + i < track.length; i++) track[at + i] += utterance[i];
    segments.push([t * 1000, t * 1000 + (utterance.length / RATE) * 1000]);
    t += utterance.length / RATE + gap[0] + r() * (gap[1] - gap[0]);
  }
  return { track, segments };
}

// ---- the classifier over a scene -------------------------------------------------------------------
let cpuMs = 0;
let audioMs = 0;
function classify(x) {
  const vad = new VoiceActivity();
  // the browser reads a frame from a timer every HOP_MS, late on a busy machine: mostly 45–65 ms,
  // one in twenty a 100–300 ms stall (deterministic, so runs compare)
  const r = prng(x.length);
  const nextHop = () => Math.round(((r() < 0.05 ? 100 + r() * 200 : HOP_MS - 5 + r() * 20) / 1000) * RATE);
  const found = [];
  const open = {};
  const t0 = performance.now();
  for (let end = FRAME; end <= x.length; end += nextHop()) {
    const at = (end / RATE) * 1000;
    for (const e of vad.push(x.subarray(end - FRAME, end), RATE, at)) {
      if (e.type === 'begin') open[e.kind] = e.at;
      else {
        found.push({ kind: e.kind, start: open[e.kind], end: e.at });
        delete open[e.kind];
      }
    }
  }
  for (const e of vad.flush((x.length / RATE) * 1000)) found.push({ kind: e.kind, start: open[e.kind], end: e.at });
  cpuMs += performance.now() - t0;
  audioMs += (x.length / RATE) * 1000;
  return found;
}

// ---- scenes ------------------------------------------------------------------------------------------
console.log('eval: building sound scenes with espeak-ng and sox …');
const voiceA = { clips: SENTENCES.map((s, i) => speech(s, 'en-us', i)), offsetDb: 0 };
const voiceB = { clips: SENTENCES.map((s, i) => speech(s, 'en+f3', i)), offsetDb: -3 };
const S = (sec) => Math.round(sec * RATE);

const noiseScenes = [];
const speechScenes = [];
for (const [level, room] of [
  ['quiet room', -70],
  ['louder room', -55],
]) {
  // noise-only scenes are long (10 min each, 2.3 h in all): false alarms per hour need hours
  const N = 600;
  const nbase = (seed) => roomTone(N, room, seed);
  noiseScenes.push(
    { name: `silence (${level})`, audio: nbase(1) },
    { name: `fan switched on at 6 s (${level})`, audio: mix(S(N), [nbase(2)], [fan(N - 6, room + 30), S(6)]) },
    { name: `mains hum (${level})`, audio: mix(S(N), [nbase(3)], [hum(N, room + 25)]) },
    { name: `typing (${level})`, audio: mix(S(N), [nbase(4)], [events(N, 'typing', 4, room + 30)]) },
    { name: `coughs (${level})`, audio: mix(S(N), [nbase(5)], [events(N, 'cough', 5, room + 35)]) },
    { name: `door slams (${level})`, audio: mix(S(N), [nbase(6)], [events(N, 'door', 6, room + 40)]) },
    {
      name: `reversing alarm 1 kHz, 0.5 s on/off (${level})`,
      audio: mix(S(N), [nbase(8)], [beeps(N, room + 30, { freq: 1000, onMs: 500, periodMs: 1000 })]),
    },
    {
      name: `alarm clock, 4 beeps every 2 s (${level})`,
      audio: mix(
        S(N),
        [nbase(9)],
        [beeps(N, room + 30, { freq: 2000, onMs: 100, periodMs: 200, group: 4, restMs: 1200 })],
      ),
    },
    {
      // found by a new user: four 100 ms beeps, 100 ms apart, then 500 ms quiet
      name: `alarm clock 2 kHz, 4 beeps every 1.3 s (${level})`,
      audio: mix(
        S(N),
        [nbase(10)],
        [beeps(N, room + 30, { freq: 2000, onMs: 100, periodMs: 200, group: 4, restMs: 500 })],
      ),
    },
    {
      name: `fan, typing and coughs (${level})`,
      audio: mix(
        S(N),
        [nbase(7)],
        [fan(N, room + 20)],
        [events(N, 'typing', 7, room + 35)],
        [events(N, 'cough', 8, room + 38)],
      ),
    },
  );
  const L = 180;
  const base = (seed) => roomTone(L, room, seed);
  for (const [voiceDb, what] of [
    [room + 30, '30 dB above the room'],
    [room + 20, '20 dB above the room'],
  ]) {
    const one = talk(L, [voiceA], voiceDb, 11);
    speechScenes.push({
      name: `one voice ${what} (${level})`,
      audio: mix(S(L), [base(11)], [one.track]),
      segments: one.segments,
    });
    const two = talk(L, [voiceA, voiceB], voiceDb, 12, { gap: [1, 5] });
    speechScenes.push({
      name: `two voices taking turns ${what} (${level})`,
      audio: mix(S(L), [base(12)], [two.track]),
      segments: two.segments,
    });
    const early = talk(L, [voiceA], voiceDb, 13, { firstAt: 0.2, gap: [3, 10] });
    speechScenes.push({
      name: `talking from the first second ${what} (${level})`,
      audio: mix(S(L), [base(13)], [early.track]),
      segments: early.segments,
    });
  }
  const fanned = talk(L, [voiceB], room + 35, 14);
  speechScenes.push({
    name: `a voice over a fan and typing (${level})`,
    audio: mix(S(L), [base(14)], [fan(L, room + 20)], [events(L, 'typing', 14, room + 30)], [fanned.track]),
    segments: fanned.segments,
  });
}
// Chromium's fake microphone: its beep over digital silence (the case that gave a false "talking" in
// our own browser tests) and over a room
noiseScenes.push(
  {
    name: "Chromium's fake microphone (20 ms beep / 500 ms)",
    audio: beeps(600, -20, { freq: 400, onMs: 20, periodMs: 500, square: true }),
  },
  {
    name: "Chromium's fake microphone in a quiet room",
    audio: mix(
      S(600),
      [roomTone(600, -70, 21)],
      [beeps(600, -40, { freq: 400, onMs: 20, periodMs: 500, square: true })],
    ),
  },
);
// found by a new user: someone answering in short phrases ("Number four is B.") with ~1 s pauses;
// each stretch of answers is one segment of speech
const ANSWERS = ['Number four is B.', 'Five is C.', 'Six, A.', 'Seven is D.', 'Eight: true.', 'Nine is B.', 'Ten, C.'];
const shortClips = ANSWERS.map((t, i) => speech(t, 'en-us', 100 + i));
function answers(seconds, db, seed) {
  const r = prng(seed);
  const track = new Float32Array(Math.round(seconds * RATE));
  const segments = [];
  for (let t = 3; t < seconds - 25;) {
    const start = t;
    const count = 6 + Math.floor(r() * 4);
    for (let k = 0; k < count; k++) {
      const clip = atLevel(shortClips[Math.floor(r() * shortClips.length)], db);
      const at = Math.round(t * RATE);
      for (let i = 0; i < clip.length && at + i < track.length; i++) track[at + i] += clip[i];
      t += clip.length / RATE + 0.9 + r() * 0.3;
    }
    segments.push([start * 1000, (t - 0.9) * 1000]);
    t += 10 + r() * 10;
  }
  return { track, segments };
}
for (const [level, room] of [
  ['quiet room', -70],
  ['louder room', -55],
]) {
  const a = answers(180, room + 21, 30);
  speechScenes.push({
    name: `short answers, ~1 s pauses, 21 dB above the room (${level})`,
    audio: mix(S(180), [roomTone(180, room, 31)], [a.track]),
    segments: a.segments,
  });
}
const musicScene = {
  name: 'music (plucked chords) 25 dB above a quiet room',
  audio: mix(S(120), [roomTone(120, -70, 20)], [music(120, -45)]),
};

// `--write-scenes DIR`: also writes every scene as a 16 kHz WAV plus scenes.json (name, kind, speech
// segments), so another detector can be measured on exactly the same audio.
const writeAt = process.argv.indexOf('--write-scenes');
if (writeAt > 0) {
  const dir = process.argv[writeAt + 1];
  mkdirSync(dir, { recursive: true });
  const index = [];
  const all = [
    ...noiseScenes.map((s) => ({ ...s, kind: 'noise' })),
    ...speechScenes.map((s) => ({ ...s, kind: 'speech' })),
    { ...musicScene, kind: 'music' },
  ];
  all.forEach((scene, i) => {
    const raw = join(work, `scene-${i}.raw`);
    const pcm = Buffer.alloc(scene.audio.length * 2);
    for (let k = 0; k < scene.audio.length; k++)
      pcm.writeInt16LE(Math.round(Math.max(-1, Math.min(1, scene.audio[k])) * 32767), k * 2);
    writeFileSync(raw, pcm);
    const file = join(dir, `scene-${i}.wav`);
    execFileSync('sox', [
      '-t',
      'raw',
      '-r',
      String(RATE),
      '-e',
      'signed-integer',
      '-b',
      '16',
      '-c',
      '1',
      raw,
      '-r',
      '16000',
      file,
    ]);
    index.push({ file: `scene-${i}.wav`, name: scene.name, kind: scene.kind, segments: scene.segments ?? [] });
  });
  writeFileSync(join(dir, 'scenes.json'), JSON.stringify(index, null, 1));
  console.log(`eval: scenes written to ${dir}`);
}

// ---- results -----------------------------------------------------------------------------------------
const pad = (s, n) => String(s).padEnd(n);
console.log('\nnoise-only scenes (every alarm is a false alarm)');
let noiseAlarms = 0;
let noiseSeconds = 0;
for (const scene of noiseScenes) {
  const found = classify(scene.audio);
  noiseAlarms += found.length;
  noiseSeconds += scene.audio.length / RATE;
  console.log(
    `  ${pad(scene.name, 46)} ${found.length} alarm(s)${found.length ? ` ${found.map((f) => `${f.kind}@${(f.start / 1000).toFixed(1)}s`).join(' ')}` : ''}`,
  );
}
console.log('\nspeech scenes (segments over 2 s; caught = a "voice" alarm overlaps it)');
let segments = 0;
let caught = 0;
let speechFalse = 0;
for (const scene of speechScenes) {
  const found = classify(scene.audio);
  const long = scene.segments.filter(([a, b]) => b - a > 2000);
  const hit = long.filter(([a, b]) => found.some((f) => f.kind === 'voice' && f.start < b && f.end > a));
  const stray = found.filter((f) => !scene.segments.some(([a, b]) => f.start < b + 1000 && f.end > a - 1000));
  segments += long.length;
  caught += hit.length;
  speechFalse += stray.length;
  console.log(
    `  ${pad(scene.name, 62)} ${hit.length}/${long.length} caught${stray.length ? `, ${stray.length} alarm(s) outside speech` : ''}`,
  );
}
const musicFound = classify(musicScene.audio);
const perHour = (noiseAlarms / noiseSeconds) * 3600;
console.log(
  `\nmusic: ${musicScene.name}: ${musicFound.length} alarm(s) in ${musicScene.audio.length / RATE} s (${musicFound.map((f) => f.kind).join(', ') || 'none'})`,
);
console.log('\nsummary');
console.log(
  `  false alarms on noise-only scenes: ${noiseAlarms} in ${(noiseSeconds / 60).toFixed(0)} min = ${perHour.toFixed(2)} per hour (target ≤ 1)`,
);
console.log(
  `  speech segments over 2 s caught:   ${caught}/${segments} = ${((100 * caught) / Math.max(1, segments)).toFixed(1)} % (target ≥ 90 %)`,
);
console.log(`  alarms outside speech in speech scenes: ${speechFalse}`);
console.log(
  `  CPU: ${((cpuMs / audioMs) * 1000).toFixed(1)} ms per second of audio (${((100 * cpuMs) / audioMs).toFixed(2)} % of one core)`,
);
const ok = perHour <= 1 && caught / Math.max(1, segments) >= 0.9;
console.log(ok ? '  targets met' : '  TARGETS NOT MET');
process.exitCode = ok ? 0 : 2;
