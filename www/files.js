// Downloads of exported graphs and reading of imported files.

export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

const TYPES = { json: 'application/json', csv: 'text/csv', npy: 'application/octet-stream', svg: 'image/svg+xml', png: 'image/png' };

export function downloadBytes(bytes, name, format) {
  const url = URL.createObjectURL(new Blob([bytes], { type: TYPES[format] ?? 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
