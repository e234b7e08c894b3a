export const roles = ['principal', 'duty_officer', 'translator', 'auditor', 'admin'] as const;
export type Role = (typeof roles)[number];

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
