import { describe, expect, it } from 'vitest';
import { downloadPipedToShell, parseHistoryStep, remoteAddSources, scriptOf } from './history.js';

describe('parseHistoryStep', () => {
  it.each([
    ['/bin/sh -c apt-get update && apt-get install -y curl', 'RUN', 'apt-get update && apt-get install -y curl'],
    ['/bin/sh -c #(nop)  CMD ["node" "server.js"]', 'CMD', '["node" "server.js"]'],
    ['/bin/sh -c #(nop) ADD file:4b03b5f551e3fbdf47ec609712007327828f7530cc3455c43bbcdcaf449a75a9 in / ', 'ADD', 'file:4b03b5f551e3fbdf47ec609712007327828f7530cc3455c43bbcdcaf449a75a9 in /'],
    ['RUN /bin/sh -c npm ci --omit=dev # buildkit', 'RUN', 'npm ci --omit=dev'],
    ['RUN |2 VERSION=1.2 TARGETARCH=amd64 /bin/sh -c make install # buildkit', 'RUN', 'make install'],
    ['RUN /bin/bash -o pipefail -c curl -s x | bash # buildkit', 'RUN', 'curl -s x | bash'],
    ['RUN /bin/sh -ec echo hi # buildkit', 'RUN', 'echo hi'],
    ['ADD https://example.com/a.tgz /opt/ # buildkit', 'ADD', 'https://example.com/a.tgz /opt/'],
    ['COPY app/ /app/ # npm install lodash', 'COPY', 'app/ /app/ # npm install lodash'],
    ['ENV PATH=/usr/local/bin', 'ENV', 'PATH=/usr/local/bin'],
    ['', '', ''],
    ['made by hand', '', 'made by hand'],
  ])('%j → %s %j', (createdBy, instruction, text) => {
    expect(parseHistoryStep(createdBy)).toEqual({ instruction, text });
  });
  it('reads only the head of a huge step', () => {
    const step = parseHistoryStep(`/bin/sh -c echo ${'a'.repeat(1_000_000)} | sh`);
    expect(step.text.length).toBeLessThan(20_000);
  });
  it('scriptOf leaves scripts without a shell as they are', () => {
    expect(scriptOf('curl x | sh')).toBe('curl x | sh');
  });
});

describe('downloadPipedToShell', () => {
  it.each([
    ['curl -fsSL https://x | sh', ['curl … | sh']],
    ['wget -qO- https://x | sudo bash -s', ['wget … | bash']],
    ['set -e; curl https://x | python3 -', ['curl … | python3']],
    ['bash <(curl -s https://x)', ['bash with a downloaded script']],
    ['curl -o f https://x && sh f', []],
    ['curl https://x | tar xz', []],
    ['echo "curl x | sh"', []],
  ])('%j', (script, hits) => {
    expect(downloadPipedToShell(script)).toEqual(hits);
  });
});

describe('remoteAddSources', () => {
  it.each([
    ['https://a/b.tgz /opt/', ['https://a/b.tgz']],
    ['HTTP://a/b ftp://c/d /x/', ['HTTP://a/b', 'ftp://c/d']],
    ['git@github.com:org/repo.git /src', ['git@github.com:org/repo.git']],
    ['--checksum=sha256:abc https://a/b /opt/', []],
    ['file:0123 in /', []],
    ['--chown=1000 ./local /app', []],
  ])('%j', (text, sources) => {
    expect(remoteAddSources(text)).toEqual(sources);
  });
});
