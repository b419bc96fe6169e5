import { describe, expect, it } from 'vitest';
import { splitMatchers } from '../../src/tools/alerts.ts';

describe('splitMatchers', () => {
  it.each<[string, string[], string[]]>([
    [
      'single matchers pass through',
      ['alertname="A"', 'severity=~"critical|warning"'],
      ['alertname="A"', 'severity=~"critical|warning"'],
    ],
    [
      'a braced selector is split',
      ['{alertname=~"Kube.*", namespace!="kube-system"}'],
      ['alertname=~"Kube.*"', 'namespace!="kube-system"'],
    ],
    ['commas inside quotes stay', ['{summary="a, b",x="1"}'], ['summary="a, b"', 'x="1"']],
    [
      'escaped quotes stay inside the value',
      ['{msg="say \\"hi, there\\"",y="2"}'],
      ['msg="say \\"hi, there\\""', 'y="2"'],
    ],
    ['empty parts are dropped', ['{}', ' ', 'a="1",'], ['a="1"']],
  ])('%s', (_name, input, expected) => {
    expect(splitMatchers(input)).toEqual(expected);
  });
});
