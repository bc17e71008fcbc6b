// Secrets: argon2id for passwords (slow on purpose), SHA-256 for high-entropy random
// tokens (API keys, session tokens) where a fast digest is safe and look-up is by hash.
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const hashPassword = (password: string) => hash(password);
export const verifyPassword = async (hashed: string, password: string) => {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
};
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
export const digest = (token: string) => createHash('sha256').update(token).digest('hex');
export const randomId = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url')}`;
