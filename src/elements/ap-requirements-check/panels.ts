/** The per-check panels of <ap-requirements-check>: what the running check needs from the candidate. */
import { html, nothing, type TemplateResult } from 'lit';
import type { RequirementsRunner } from '../../checks/runner.js';
import { canChooseAudioOutput } from '../../checks/common.js';
import type { CheckName } from '../../checks/types.js';
import { messages } from '../../messages.js';
import { qrCode } from '../qr.js';

export interface PanelHandlers {
  onPlay: () => void;
  onSubmitCode: (event: SubmitEvent) => void;
  onShareScreen: () => void;
  onDevice: (kind: 'microphone' | 'speakers', event: Event) => void;
  onCopyLink: (url: string) => void;
}

export interface PanelState {
  runner: RequirementsRunner;
  devices: MediaDeviceInfo[];
  codeFeedback: string;
  copyFeedback: string;
  played: boolean;
}

function devicePicker(kind: 'microphone' | 'speakers', state: PanelState, h: PanelHandlers) {
  // a speaker picker only where the sound can be sent to the chosen device (else it lies)
  if (kind === 'speakers' && !canChooseAudioOutput()) return nothing;
  const list = state.devices.filter((d) => d.kind === (kind === 'microphone' ? 'audioinput' : 'audiooutput'));
  if (list.length < 2) return nothing;
  const label = kind === 'microphone' ? messages().microphoneDevice : messages().speakerDevice;
  return html`<label class="row"
    >${label}
    <select part="device-select" @change=${(e: Event) => h.onDevice(kind, e)}>
      ${list.map((d, i) => html`<option value=${d.deviceId}>${d.label || `${label} ${i + 1}`}</option>`)}
    </select></label
  >`;
}

/** The panel of the current check (or nothing). The webcam preview video is rendered by the element. */
export function renderPanel(
  name: CheckName | undefined,
  state: PanelState,
  h: PanelHandlers,
): TemplateResult | typeof nothing {
  if (!name) return nothing;
  const m = messages();
  const { runner } = state;
  const instruction = html`<p class="instruction">${m.checkInstructions[name]}</p>`;
  switch (name) {
    case 'microphone': {
      const level = Math.round(Math.min(1, (runner.progress?.level ?? 0) * 3) * 100);
      return html`${instruction}${devicePicker('microphone', state, h)}
        <meter
          part="meter"
          min="0"
          max="100"
          low="10"
          high="90"
          optimum="50"
          value=${level}
          aria-label=${m.microphoneLevel}
        ></meter>`;
    }
    case 'speakers':
      return html`${instruction}${devicePicker('speakers', state, h)}
        <div class="row">
          <button class="primary" part="play" @click=${h.onPlay}>${state.played ? m.replayCode : m.playCode}</button>
        </div>
        <!-- novalidate: our message (below, role=alert) says what is wrong; the browser's bubble would hide it -->
        <form class="row" part="code-form" novalidate @submit=${h.onSubmitCode}>
          <label
            >${m.codeLabel}
            <input
              name="code"
              part="code-input"
              inputmode="numeric"
              autocomplete="off"
              maxlength="4"
              pattern="[0-9]{4}"
              required
              aria-invalid=${state.codeFeedback ? 'true' : 'false'}
              aria-describedby="code-feedback"
          /></label>
          <button type="submit">${m.submitCode}</button>
        </form>
        <p class="feedback" id="code-feedback" part="feedback" role="alert">${state.codeFeedback}</p>`;
    case 'bandwidth':
      return html`${instruction}
        <progress
          part="check-progress"
          max="100"
          value=${Math.round((runner.progress?.fraction ?? 0) * 100)}
          aria-label=${m.checkNames.bandwidth}
        ></progress>`;
    case 'screenshare':
      return html`${instruction}
      ${
        runner.awaitingGesture === 'screenshare'
          ? html`<div class="row">
              <button class="primary" part="share" @click=${h.onShareScreen}>${m.shareScreen}</button>
            </div>`
          : nothing
      }`;
    case 'mobile': {
      const pairing = runner.pairing;
      const stage = runner.progress?.message;
      return html`${instruction}
        ${
          pairing
            ? html`<div class="row pairing">
                ${qrCode(pairing.url, m.mobileQr)}
                <div>
                  <p>${m.mobileScan}</p>
                  <p><a part="pairing-link" href=${pairing.url} target="_blank" rel="noopener">${pairing.url}</a></p>
                  <button part="copy" @click=${() => h.onCopyLink(pairing.url)}>${m.copyLink}</button>
                  <span part="copy-feedback">${state.copyFeedback}</span>
                </div>
              </div>`
            : nothing
        }
        <p part="phone-status">
          ${stage === 'connecting' ? m.phoneConnecting : stage === 'receiving' ? m.phoneReceiving : m.phoneWaiting}
        </p>`;
    }
    default:
      return instruction;
  }
}
