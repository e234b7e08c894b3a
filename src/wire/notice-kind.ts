// What a notice announces (a flight, an exercise, a launch…): the core's list is the only one.
export { noticeKinds, type NoticeKind } from '../core/kinds/notice.ts';
