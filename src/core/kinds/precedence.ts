import { Type, type Static } from '@sinclair/typebox';

// Highest first, as on a message form: the order matters for sorting and escalation.
export const precedences = ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'] as const;
export type Precedence = (typeof precedences)[number];
export const PrecedenceSchema = Type.Union(precedences.map((p) => Type.Literal(p)));

/** Seconds the other side has to acknowledge, unless the line's settings say otherwise. */
export const defaultDeadlines: Record<Precedence, number> = {
  FLASH: 5 * 60,
  IMMEDIATE: 30 * 60,
  PRIORITY: 3 * 3600,
  ROUTINE: 24 * 3600,
};

export const Deadlines = Type.Object(
  Object.fromEntries(precedences.map((p) => [p, Type.Integer({ minimum: 10, maximum: 7 * 24 * 3600 })])) as Record<Precedence, ReturnType<typeof Type.Integer>>,
  { additionalProperties: false },
);
export type Deadlines = Static<typeof Deadlines>;
