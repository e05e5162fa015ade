/* Turns the interval list on /start/timer/ (readable without this script) into a timer. Time
   comes from timestamps, not counted ticks, so a throttled background tab never drifts. */
(() => {
  "use strict";
  const root = document.querySelector("[data-timer]");
  if (!root) return;
  const part = (name) => root.querySelector(`[data-timer-${name}]`);
  const [now, clock, left, bar, toggle] = ["now", "clock", "left", "bar", "toggle"].map(part);
  const items = Array.from(root.querySelectorAll("[data-seconds]"));
  const steps = items.map(({ dataset }) => ({
    kind: dataset.kind,
    label: dataset.label,
    ms: dataset.seconds * 1000,
  }));
  const total = steps.reduce((sum, step) => sum + step.ms, 0);
  const calm = matchMedia("(prefers-reduced-motion: reduce)");
  // Two high beeps to jog, one low to walk, three when done; a buzz to match.
  const SIGNALS = {
    jog: [[880, 880], [200, 100, 200]],
    walk: [[587], [400]],
    done: [[587, 740, 880], [300, 100, 300, 100, 300]],
  };
  let banked = 0; // milliseconds run before the latest start
  let since = null; // Date.now() at the latest start; null while stopped
  let shown = -1;
  let ticker, audio, lock;

  const elapsed = () => Math.min(total, banked + (since === null ? 0 : Date.now() - since));
  const mmss = (ms) => {
    const seconds = Math.ceil(ms / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  };

  function locate(ms) {
    let start = 0;
    for (let index = 0; index < steps.length; index += 1) {
      if (ms < start + steps[index].ms) return [index, ms - start];
      start += steps[index].ms;
    }
    return [steps.length, 0];
  }

  function signal(kind) {
    const [tones, pattern] = SIGNALS[kind] || SIGNALS.walk;
    tones.forEach((frequency, n) => {
      if (!audio) return;
      const at = audio.currentTime + n * 0.25;
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
      tone.connect(gain).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.2);
    });
    if (navigator.vibrate) navigator.vibrate(pattern);
  }

  async function stayAwake(on) {
    try {
      if (!on) await lock?.release();
      else if (!lock && navigator.wakeLock) {
        lock = await navigator.wakeLock.request("screen");
        lock.onrelease = () => (lock = null);
      }
    } catch {
      lock = null; // refused (hidden tab, low battery): the timer runs all the same
    }
  }

  function mark(current) {
    items.forEach((item, index) => {
      item.classList.toggle("is-done", index < current);
      if (index === current) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    });
  }

  function stop() {
    clearInterval(ticker);
    banked = elapsed();
    since = null;
    stayAwake(false);
  }

  function render() {
    const ms = elapsed();
    const [index, into] = locate(ms);
    if (index === steps.length) {
      stop();
      shown = index;
      mark(index);
      clock.textContent = "0:00";
      left.textContent = "Session complete";
      now.textContent = "Done. Well done: that's the whole session.";
      toggle.textContent = "Start again";
      signal("done");
      return;
    }
    const step = steps[index];
    clock.textContent = mmss(step.ms - into);
    left.textContent = `${mmss(total - ms)} left in this session`;
    if (!calm.matches) {
      bar.max = step.ms;
      bar.value = into;
    }
    if (index !== shown) {
      shown = index;
      mark(index);
      now.textContent = `${step.label} (${index + 1} of ${steps.length})`;
      signal(step.kind);
    }
  }

  function start() {
    // Browsers allow sound only after a click.
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    audio?.resume();
    if (banked >= total) banked = 0;
    shown = -1;
    since = Date.now();
    ticker = setInterval(render, 250);
    toggle.textContent = "Pause";
    stayAwake(true);
    render();
  }

  function pause() {
    stop();
    toggle.textContent = "Resume";
    now.textContent = `Paused: ${steps[shown].label}`;
  }

  function reset() {
    stop();
    banked = 0;
    shown = -1;
    mark(-1);
    clock.textContent = mmss(steps[0].ms);
    left.textContent = `${mmss(total)} in all`;
    bar.value = 0;
    toggle.textContent = "Start";
    now.textContent = "Press Start when you're ready.";
  }

  toggle.addEventListener("click", () => (since === null ? start() : pause()));
  part("reset").addEventListener("click", reset);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && since !== null) {
      stayAwake(true);
      render();
    }
  });
  reset();
  part("panel").hidden = false;
  navigator.serviceWorker?.register(root.dataset.sw).catch(() => {});
})();
