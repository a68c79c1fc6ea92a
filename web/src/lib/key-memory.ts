/**
 * @module The plaintext of keys created in this browser tab, so the playground can offer them.
 * Kept in a module variable only: never in localStorage or sessionStorage, where any script on
 * the origin (or a shared machine's next user) could read it. A reload or sign-out forgets them.
 */

export interface RememberedKey {
  id: string;
  name: string | null;
  key: string;
}

let remembered: RememberedKey[] = [];

export const rememberKey = (entry: RememberedKey) => {
  remembered = [entry, ...remembered.filter((k) => k.id !== entry.id)];
};

export const rememberedKeys = (): readonly RememberedKey[] => remembered;

export const forgetKeys = () => {
  remembered = [];
};
