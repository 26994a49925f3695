import * as assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ProgressBar, progressLine } from '../../../src/cli/progressBar';

describe('analyze progress bar', () => {
  it('shows the share done, tensors, speed and time left', () => {
    const line = progressLine({ tensorsDone: 3, tensorsTotal: 12, elementsDone: 250e6, elementsTotal: 1e9 }, 0.5);
    assert.match(line, /\[#{8}\.{22}\]  25%  3\/12 tensors  0\.50 G values\/s ETA 2 s$/);
  });

  it('stays sane before anything is done and on empty work', () => {
    assert.match(progressLine({ tensorsDone: 0, tensorsTotal: 0, elementsDone: 0, elementsTotal: 0 }, 0), /\[\.{30}\]   0%  0\/0 tensors$/);
  });

  it('redraws in place at most every 100 ms (and always at the end), and erases itself', () => {
    let text = '';
    const stream = new Writable({ write(chunk: Buffer, _e, done) { text += chunk.toString(); done(); } });
    let now = 1000;
    const bar = new ProgressBar(stream, () => now);
    const p = (done: number) => ({ tensorsDone: done, tensorsTotal: 2, elementsDone: done * 10, elementsTotal: 20 });
    bar.update(p(0));
    now += 10;
    bar.update(p(0));
    now += 10;
    bar.update(p(2));
    assert.equal(text.split('\r').length - 1, 2, 'the second update came too soon; the last one always draws');
    bar.clear();
    assert.ok(text.endsWith('\r\x1b[K'));
  });
});
