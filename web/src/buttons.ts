// Buttons that are unavailable stay focusable (aria-disabled rather than disabled), so keyboard focus does not
// jump to the page's start when the button just pressed becomes unavailable.

/** Marks a button available or not. */
export function setEnabled(b: HTMLButtonElement, on: boolean): void {
  b.setAttribute('aria-disabled', on ? 'false' : 'true');
}

/** Runs `fn` on click (Enter and Space included) unless the button is unavailable or already busy. */
export function onPress(b: HTMLButtonElement, fn: () => Promise<void> | void): void {
  b.addEventListener('click', async (e) => {
    e.preventDefault();
    if (b.getAttribute('aria-disabled') === 'true' || b.dataset.busy === 'true') return;
    b.dataset.busy = 'true';
    try {
      await fn();
    } finally {
      delete b.dataset.busy;
    }
  });
}
