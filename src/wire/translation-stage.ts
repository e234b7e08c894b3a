import { translationStages } from '../core/kinds/translation.ts';

// How far a translation has come (a sight reading, a rough draft, the official text): the core's list is the only one.
export { translationStages };
export type TranslationStage = (typeof translationStages)[number];
