/** The phone side of the pairing, without the element: open the camera, tell the exam page, send. */
import { ErrorCode, ProctorError, messageOf } from '../errors.js';
import { getUserMediaTyped, stopStream } from '../media/user-media.js';
import { BroadcastPairingTransport, HttpPairingTransport, checkCode, type PairingTransport } from './channel.js';
import { SecondCameraSender, type SenderOptions } from './peer.js';

/** The reference server's HTTP signalling at `signallingUrl`, else BroadcastChannel (same browser). */
export function pairingTransport(signallingUrl?: string): PairingTransport {
  return signallingUrl ? new HttpPairingTransport(signallingUrl) : new BroadcastPairingTransport();
}

/** The rear camera (`facingMode: environment`); any camera when none satisfies that. */
export async function openPhoneCamera(mediaDevices?: MediaDevices): Promise<MediaStream> {
  const ask = (video: MediaTrackConstraints | boolean) => getUserMediaTyped({ video, audio: false }, mediaDevices);
  try {
    return await ask({ facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } });
  } catch (error) {
    if (
      error instanceof ProctorError &&
      (error.code === ErrorCode.NO_CAMERA || error.code === ErrorCode.HARDWARE_ERROR)
    )
      return ask(true);
    throw error;
  }
}

export interface PhoneCameraOptions extends SenderOptions {
  code: string;
  transport?: PairingTransport;
  mediaDevices?: MediaDevices;
}

/**
 * Joins `code` as the phone, opens the camera and returns the sender (not started yet) with the
 * stream. A camera that cannot be opened is reported to the exam page (its mobile check fails with
 * 4114) and thrown as PHONE_CAMERA_DENIED; a bad code throws INVALID_OPTION.
 */
export async function openPhoneSender(
  options: PhoneCameraOptions,
): Promise<{ stream: MediaStream; sender: SecondCameraSender }> {
  const code = checkCode(options.code);
  const channel = (options.transport ?? new BroadcastPairingTransport()).join(code, 'phone');
  let stream: MediaStream;
  try {
    stream = await openPhoneCamera(options.mediaDevices);
  } catch (error) {
    const name = error instanceof ProctorError ? String(error.code) : 'Error';
    await channel.send({ type: 'camera-error', name, message: messageOf(error) }).catch(() => undefined);
    channel.close();
    throw new ProctorError(ErrorCode.PHONE_CAMERA_DENIED, messageOf(error), { cause: error });
  }
  try {
    return { stream, sender: new SecondCameraSender(channel, stream, options) };
  } catch (error) {
    stopStream(stream);
    channel.close();
    throw error;
  }
}
