export * from './access-decision';
export * from './login-key';
export * from './registry-token';
export * from './scopes';
export * from './aksk-signature';
export * from './secret-box';
export * from './peer-proof';
