/**
 * @module The console's entry point: mounts the app into index.html's #app. The build bundles
 * this file (and styles.css) into dist/console, which the station serves at /admin/.
 */
import { render } from 'preact';
import { App } from './app';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
