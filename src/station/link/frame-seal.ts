import { createCipheriv, createDecipheriv } from 'node:crypto';
import { FRAME_TAG_LENGTH, frameNonce, withinKeyBudget } from '../../core/link/hybrid.ts';

/** Why a frame was not sealed or opened; the session closes on any of them. */
export class SealError extends Error {
  constructor(readonly kind: 'spent' | 'not_open', message: string) {
    super(message);
  }
}

/** One direction of a link: a key and the count of frames it has carried. */
class Direction {
  frames = 0;
  bytes = 0;
  constructor(readonly key: Uint8Array) {}
}

/**
 * Seals every link message after the hybrid exchange: AES-256-GCM under the
 * direction's session key, nonce from a counter each end keeps (see
 * core/link/hybrid.ts frameNonce), no associated data; the frame is the
 * ciphertext and its 16-byte tag. Because the counter is implied, a frame
 * replayed, reordered, dropped or altered does not open, and the session
 * closes: nothing is ever handled out of order or twice.
 */
export class FrameSeal {
  private readonly out: Direction;
  private readonly in: Direction;
  private broken = false;

  constructor(sendKey: Uint8Array, receiveKey: Uint8Array) {
    this.out = new Direction(sendKey);
    this.in = new Direction(receiveKey);
  }

  /** Seals one message; throws SealError('spent') once the key's budget is used up (the session is then set up again). */
  seal(plaintext: Uint8Array): Buffer {
    if (!withinKeyBudget(this.out.frames, this.out.bytes, plaintext.length)) throw new SealError('spent', 'this session key has sealed all it may; the link must be set up again');
    const cipher = createCipheriv('aes-256-gcm', this.out.key, frameNonce(this.out.frames), { authTagLength: FRAME_TAG_LENGTH });
    const frame = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    this.out.frames++;
    this.out.bytes += plaintext.length;
    return frame;
  }

  /**
   * Opens the next frame from the other end. After one frame fails, every
   * later one fails too: the stream is no longer trusted.
   */
  open(frame: Uint8Array): Buffer {
    if (this.broken) throw new SealError('not_open', 'an earlier frame did not open');
    if (frame.length < FRAME_TAG_LENGTH) return this.fail('a sealed frame is shorter than its tag');
    const body = frame.subarray(0, frame.length - FRAME_TAG_LENGTH);
    if (!withinKeyBudget(this.in.frames, this.in.bytes, body.length)) return this.fail('the other end sealed past the key\'s budget');
    const decipher = createDecipheriv('aes-256-gcm', this.in.key, frameNonce(this.in.frames), { authTagLength: FRAME_TAG_LENGTH });
    decipher.setAuthTag(frame.subarray(frame.length - FRAME_TAG_LENGTH));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      return this.fail(`frame ${this.in.frames} did not open: altered, replayed, reordered or sealed under another key`);
    }
    this.in.frames++;
    this.in.bytes += plaintext.length;
    return plaintext;
  }

  private fail(reason: string): never {
    this.broken = true;
    throw new SealError('not_open', reason);
  }
}
