// What the tab takes in from a user's data at most, checked where it is cheap: the file count
// when the files are picked, the bytes as the worker reads them (a File's size is a round trip
// to the browser each, 2.8 s for 10,000 files), a .zip's stated sizes before it is inflated.
export const MAX_FILES = 100_000;
export const MAX_BYTES = 2 ** 30;

export const tooMany = (n) => `${n.toLocaleString('en-US')} files: the tab takes at most ${MAX_FILES.toLocaleString('en-US')}`;
export const tooLarge = () => `more than ${MAX_BYTES / 2 ** 20} MB: the tab takes at most that much`;
