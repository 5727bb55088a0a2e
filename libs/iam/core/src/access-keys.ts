import { IamError } from './iam-error';
import type { AccessKeyRecord, Credentials, Directory } from './ports';
import type { Principal } from './principal';
import { SecretBox, signatureMatches } from '@swr/auth';
import { principalOf } from './principal';
import { randomAccessKeyId, randomToken } from './secrets';

export interface AccessKeyView {
  readonly access: string;
  readonly userId: string;
  readonly status: AccessKeyRecord['status'];
  readonly description: string;
  readonly createdAt: Date;
}

const view = (k: AccessKeyRecord): AccessKeyView => ({ access: k.access, userId: k.userId, status: k.status, description: k.description, createdAt: k.createdAt });

/** Access keys (AK/SK): the SK is shown once, at creation, and stored sealed. */
export class AccessKeys {
  constructor(
    private readonly directory: Directory,
    private readonly credentials: Credentials,
    private readonly box: SecretBox,
  ) {}

  async create(caller: Principal, userId: string, description = ''): Promise<AccessKeyView & { secret: string }> {
    await this.mayManage(caller, userId);
    const secret = randomToken(30);
    const record: AccessKeyRecord = { access: randomAccessKeyId(), userId, sealedSecret: this.box.seal(secret), status: 'active', description, createdAt: new Date() };
    await this.credentials.createAccessKey(record);
    return { ...view(record), secret };
  }

  async list(caller: Principal, userId: string): Promise<AccessKeyView[]> {
    await this.mayManage(caller, userId);
    return (await this.credentials.listAccessKeys(userId)).map(view);
  }

  async setStatus(caller: Principal, access: string, status: AccessKeyRecord['status']): Promise<AccessKeyView> {
    const key = await this.owned(caller, access);
    await this.credentials.setAccessKeyStatus(access, status);
    return { ...view(key), status };
  }

  async delete(caller: Principal, access: string): Promise<void> {
    await this.owned(caller, access);
    await this.credentials.deleteAccessKey(access);
  }

  /**
   * The user an AK/SK signature acts as: the key must be active, its user (and account) enabled,
   * and the signature the HMAC-SHA256 of one of `stringsToSign` keyed with the key's secret (compared in
   * constant time). Every refusal is the same, so that it tells nothing about which part failed.
   */
  async verifySignature(accessKey: string, stringsToSign: readonly string[], signature: string): Promise<Principal> {
    const refused = new IamError('IAM_TOKEN_INVALID', 'the request signature does not match, or the access key is unknown or disabled');
    const key = await this.credentials.findAccessKey(accessKey);
    if (!key || key.status !== 'active') throw refused;
    if (!signatureMatches(stringsToSign, signature, this.box.open(key.sealedSecret))) throw refused;
    const user = await this.directory.findUser(key.userId);
    if (!user?.enabled) throw refused;
    return principalOf(user);
  }

  private async owned(caller: Principal, access: string): Promise<AccessKeyRecord> {
    const key = await this.credentials.findAccessKey(access);
    // Another account's key is "not found", never "forbidden": ids are not to be probed.
    if (!key) throw new IamError('IAM_NOT_FOUND', 'access key not found');
    await this.mayManage(caller, key.userId);
    return key;
  }

  /** A user manages their own keys; an account admin manages those of the account's users. */
  private async mayManage(caller: Principal, userId: string): Promise<void> {
    if (caller.userId === userId) return;
    const user = await this.directory.findUser(userId);
    if (!user || user.accountId !== caller.accountId) throw new IamError('IAM_NOT_FOUND', 'user not found');
    if (!caller.isAdmin) throw new IamError('IAM_FORBIDDEN', 'only an account admin manages other users’ keys');
  }
}
