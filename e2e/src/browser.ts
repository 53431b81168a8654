/** Debian's chromium; the suite never downloads browsers (`playwright install` is not used). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
