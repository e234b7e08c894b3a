import { t } from '../app/t.ts';

/** EXERCISE, unmistakably: the word in capitals on a hatched band, never colour alone. */
export function ExerciseMark() {
  return <span class="exercise-mark" data-exercise="true">{t('exercise.word')}</span>;
}
