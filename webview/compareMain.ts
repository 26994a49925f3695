// Entry of the Compare (two files) webview and of its saved HTML export.
import { CompareApp } from './compareApp';
import { createCompareHost } from './compareHost';

const root = document.getElementById('app');
if (root) new CompareApp(root, createCompareHost()).start();
