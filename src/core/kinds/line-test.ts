import { Type } from '@sinclair/typebox';

export const LINE_TEST = 'line.test';
export const LINE_TEST_REPLY = 'line.test.reply';

export const LineTestReplyBody = Type.Object({ party: Type.String(), seq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
