// The debug entry: benchmarks and tests that drive a training client of their own load it with
// `page.addScriptTag({ url: 'debug.js' })`. The app never loads it (index.html names app.js
// only, and the service worker does not cache it), so nothing of it ships with the app's code.

import { TrainClient } from 'rgp-train-client';

window.rgpDebug = Object.freeze({ TrainClient });
