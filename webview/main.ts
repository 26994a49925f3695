// Entry of the inspector webview (and of the offline HTML report): one App over one host.
import { App } from './app';
import { createHost } from './host';
import { Store } from './store';

const root = document.getElementById('app');
if (root) {
  const host = createHost();
  new App(root, new Store(host.loadUi()), host).start();
}
