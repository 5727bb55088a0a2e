import { ApiFailure, endsSession, failureFrom, failureMessage, signInMessage } from './errors';

describe('API errors as messages', () => {
  it('reads the SWR envelope, the IAM envelope and no body', () => {
    expect(failureFrom(409, { error_code: 'SVCSTG.SWR.4090060', error_msg: 'taken' })).toMatchObject({ status: 409, code: 'SVCSTG.SWR.4090060', detail: 'taken' });
    expect(failureFrom(401, { error: { code: 401, message: 'The request you have made requires authentication.' } })).toMatchObject({ status: 401, code: undefined, detail: 'The request you have made requires authentication.' });
    expect(failureFrom(502, undefined)).toMatchObject({ status: 502, code: undefined, detail: undefined });
    expect(failureFrom(500, 'text')).toMatchObject({ status: 500 });
  });

  it("says SWR's message for the codes it knows", () => {
    expect(failureMessage(new ApiFailure(409, 'SVCSTG.SWR.4090060', 'x'))).toBe('The organization already exists.');
    expect(failureMessage(new ApiFailure(406, 'SVCSTG.SWR.4060074', 'x'))).toContain('still contains repositories');
    expect(failureMessage(new ApiFailure(400, 'SVCSTG.SWR.4001028', 'x'))).toBe('Invalid organization name.');
    expect(failureMessage(new ApiFailure(400, 'SVCSTG.SWR.4000069', 'x'))).toContain('Not an image archive');
    expect(failureMessage(new ApiFailure(400, 'SVCSTG.SWR.4000098', 'x'))).toBe('The storage quota would be exceeded.');
    expect(failureMessage(new ApiFailure(413, 'SVCSTG.SWR.4130025', 'x'))).toBe('The file is larger than the upload limit.');
  });

  it('says what a status means otherwise', () => {
    expect(failureMessage(new ApiFailure(403, 'SVCSTG.SWR.4030999', undefined))).toContain('Insufficient permissions');
    expect(failureMessage(new ApiFailure(401, undefined, undefined))).toContain('session has ended');
    expect(failureMessage(new ApiFailure(404, undefined, undefined))).toContain('Not found');
    expect(failureMessage(new ApiFailure(503, undefined, undefined))).toContain('Try again later');
    expect(failureMessage(new ApiFailure(400, undefined, 'bad limit'))).toBe('The request was refused: bad limit');
    expect(failureMessage(new ApiFailure(422, undefined, undefined))).toBe('The request was refused (HTTP 422).');
    expect(failureMessage(new TypeError('fetch failed'))).toContain('could not be reached');
  });

  it('keeps a refused sign-in vague, and a refused token ends the session', () => {
    expect(signInMessage(new ApiFailure(401, undefined, 'wrong password'))).toBe('Incorrect account name, user name or password, or the user is locked.');
    expect(signInMessage(new ApiFailure(503, undefined, undefined))).toContain('Try again later');
    expect(endsSession(new ApiFailure(401, undefined, undefined))).toBe(true);
    expect(endsSession(new ApiFailure(403, undefined, undefined))).toBe(false);
  });
});
