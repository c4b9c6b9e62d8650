import { expect, it } from 'vitest';
import { classifyMailError, PermanentJobError } from './failure.ts';

const smtp = (responseCode: number, response: string) =>
  Object.assign(new Error(`Message failed: ${response}`), { responseCode, response, code: 'EMESSAGE' });

it('retries 4xx replies and refuses 5xx replies for good, except 503 (a session fault)', () => {
  expect(classifyMailError(smtp(451, '451 4.3.0 try later'))).toEqual({
    permanent: false,
    error: 'E_SMTP_TEMPORARY: 451 4.3.0 try later',
  });
  expect(classifyMailError(smtp(550, '550 5.1.1 no such user'))).toEqual({
    permanent: true,
    error: 'E_SMTP_PERMANENT: 550 5.1.1 no such user',
  });
  expect(classifyMailError(smtp(503, '503 bad sequence')).permanent).toBe(false);
});

it('retries faults without a reply, such as a refused connection or a timeout', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ESOCKET' });
  expect(classifyMailError(refused)).toEqual({
    permanent: false,
    error: 'E_SMTP_NETWORK: ESOCKET connect ECONNREFUSED 127.0.0.1:2525',
  });
  expect(classifyMailError(Object.assign(new Error('aborted'), { code: 'EABORT' })).permanent).toBe(false);
});

it('gives up at once on faults in our own message and on a vanished lead', () => {
  expect(classifyMailError(Object.assign(new Error('No recipients defined'), { code: 'EENVELOPE' })).permanent).toBe(
    true,
  );
  expect(classifyMailError(new PermanentJobError('lead x no longer exists'))).toEqual({
    permanent: true,
    error: 'lead x no longer exists',
  });
});
