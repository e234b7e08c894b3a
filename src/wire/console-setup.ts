import { Type, type Static } from '@sinclair/typebox';

/** What the web console needs to start (GET /v1/console). */
export const ConsoleSetup = Type.Object({
  station: Type.String({ description: 'this station\'s party name' }),
  iceServers: Type.Array(Type.Unknown(), { description: 'RTCIceServer objects for calls, as the operator configured them' }),
});
export type ConsoleSetup = Static<typeof ConsoleSetup>;
