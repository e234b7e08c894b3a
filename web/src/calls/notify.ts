// Desktop notifications for a ringing call, when the member allowed them.
// Permission can only be asked for during a user gesture (a click).

const shown = new Map<string, Notification>();

export const notificationsSupported = () => typeof window.Notification === 'function';
export const notificationPermission = (): NotificationPermission | 'unsupported' => (notificationsSupported() ? Notification.permission : 'unsupported');

/** Call from a click handler, before any await. */
export function askNotificationPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (!notificationsSupported()) return Promise.resolve('unsupported');
  if (Notification.permission !== 'default') return Promise.resolve(Notification.permission);
  try {
    return Promise.resolve(Notification.requestPermission()).catch(() => Notification.permission);
  } catch {
    return Promise.resolve(Notification.permission);
  }
}

export function notify(tag: string, title: string, body: string): void {
  if (!notificationsSupported() || Notification.permission !== 'granted' || shown.has(tag)) return;
  try {
    const n = new Notification(title, { body, tag, requireInteraction: true });
    n.onclick = () => {
      window.focus();
      n.close();
    };
    shown.set(tag, n);
  } catch {
    // Some browsers only allow notifications from a service worker; the dialog and the sound remain.
  }
}

export function unnotify(tag: string): void {
  shown.get(tag)?.close();
  shown.delete(tag);
}
