// The precedences of a message, highest first: the core's list is the only one.
export { precedences, PrecedenceSchema, defaultDeadlines, type Precedence } from '../core/kinds/precedence.ts';
