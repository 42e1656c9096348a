// The page's side of the service worker (www/sw.js): registers it once the page runs, and when a
// new build has been installed beside the one in use, offers "a new version is ready — reload"
// instead of waiting for every tab to close. Reload asks the new build to take over, then
// reloads the page under it.

const $ = (id) => document.getElementById(id);

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker
    .register('sw.js')
    .then(watchUpdates)
    .catch((e) => console.warn('service worker:', e.message));
}

function watchUpdates(reg) {
  const offer = (worker) => {
    // Only an update: the first install has no build in use to replace.
    if (!worker || !navigator.serviceWorker.controller) return;
    $('update-note').hidden = false;
    $('update-reload').onclick = () => {
      navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
      worker.postMessage('skip-waiting');
    };
  };
  offer(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const w = reg.installing;
    w?.addEventListener('statechange', () => {
      if (w.state === 'installed') offer(w);
    });
  });
  // A tab kept open for days still hears of a new build: look again whenever it is shown.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reg.update().catch(() => {});
  });
}
