// Dark and light themes: a data-theme attribute on <html>, remembered in localStorage,
// following the system preference until the user picks one.
export type Theme = 'dark' | 'light';
const KEY = 'ct-theme';

export class ThemeManager {
  #theme = $state<Theme>('dark');

  constructor() {
    const saved = localStorage.getItem(KEY);
    this.#theme = saved === 'light' || saved === 'dark' ? saved : matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
    document.documentElement.dataset.theme = this.#theme;
  }

  get theme() {
    return this.#theme;
  }

  toggle() {
    this.#theme = this.#theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(KEY, this.#theme);
    document.documentElement.dataset.theme = this.#theme;
  }
}

export const theme = new ThemeManager();
