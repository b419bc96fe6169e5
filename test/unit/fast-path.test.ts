import { describe, expect, it } from 'vitest';
import { classifyFast, eraResult, rpcResult } from '../../src/mcp/fast-path.ts';

const H = { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };
const call = (params: unknown, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 7,
  method: 'tools/call',
  params,
  ...extra,
});

describe('classifyFast', () => {
  it('takes a plain 2025-era tools/call', () => {
    expect(classifyFast(call({ name: 'get_pods', arguments: { limit: 5 } }), H)).toEqual({
      era: 'legacy',
      kind: 'call',
      id: 7,
      name: 'get_pods',
      args: { limit: 5 },
    });
  });

  it('takes tools/list without a protocol-version header (first request of an old client)', () => {
    const { 'mcp-protocol-version': _v, ...noVersion } = H;
    expect(classifyFast({ jsonrpc: '2.0', id: 'a', method: 'tools/list' }, noVersion)).toEqual({
      era: 'legacy',
      kind: 'list',
      id: 'a',
    });
  });

  it.each([
    [
      'the 2026-07-28 envelope claim',
      call({ name: 'x', _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } }),
    ],
    ['a notification (no id)', { jsonrpc: '2.0', method: 'tools/call', params: { name: 'x' } }],
    ['a null id', call({ name: 'x' }, { id: null })],
    ['a batch', [call({ name: 'x' })]],
    ['initialize', { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }],
    ['a missing tool name', call({ arguments: {} })],
    ['arguments that are not an object', call({ name: 'x', arguments: [1] })],
    ['params that are not an object', call('x')],
    ['a tools/list cursor', { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: 'c' } }],
    ['a wrong jsonrpc version', call({ name: 'x' }, { jsonrpc: '1.0' })],
  ])('leaves %s to the SDK', (_what, body) => {
    expect(classifyFast(body, H)).toBeUndefined();
  });

  it.each([
    ['the modern revision header', { ...H, 'mcp-protocol-version': '2026-07-28' }],
    ['an unknown revision header', { ...H, 'mcp-protocol-version': '1999-01-01' }],
    ['an Accept without SSE', { ...H, accept: 'application/json' }],
    ['no Accept', { 'mcp-protocol-version': '2025-06-18' }],
  ])('leaves a request with %s to the SDK', (_what, headers) => {
    expect(classifyFast(call({ name: 'x' }), headers)).toBeUndefined();
  });
});

const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const MH = {
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': 'get_pods',
};

describe('classifyFast, 2026-07-28', () => {
  it('takes a tools/call whose envelope is complete and agrees with its headers', () => {
    expect(classifyFast(call({ name: 'get_pods', _meta: ENVELOPE }), MH)).toEqual({
      era: 'modern',
      kind: 'call',
      id: 7,
      name: 'get_pods',
      args: undefined,
    });
  });

  it.each([
    ['no Mcp-Name header', { ...MH, 'mcp-name': undefined }, ENVELOPE],
    ['an Mcp-Name naming another tool', { ...MH, 'mcp-name': 'get_alerts' }, ENVELOPE],
    ['an Mcp-Method naming another method', { ...MH, 'mcp-method': 'tools/list' }, ENVELOPE],
    ['no client capabilities', MH, { ...ENVELOPE, 'io.modelcontextprotocol/clientCapabilities': undefined }],
    [
      'client info without a version',
      MH,
      { ...ENVELOPE, 'io.modelcontextprotocol/clientInfo': { name: 'c' } },
    ],
    [
      'an envelope naming another revision',
      MH,
      { ...ENVELOPE, 'io.modelcontextprotocol/protocolVersion': '2025-11-25' },
    ],
    ['no envelope', MH, undefined],
  ])('leaves a request with %s to the SDK', (_what, headers, meta) => {
    expect(classifyFast(call({ name: 'get_pods', _meta: meta }), headers)).toBeUndefined();
  });
});

describe('eraResult', () => {
  const info = { name: 'cluster-mcp', version: '1', title: 'cluster-mcp' };
  it('leaves 2025-era results as they are', () => {
    expect(eraResult('legacy', 'call', { content: [] }, info)).toEqual({ content: [] });
  });
  it('marks 2026-07-28 results complete, names the server, and keeps tools/list out of shared caches', () => {
    expect(eraResult('modern', 'list', { tools: [] }, info)).toEqual({
      tools: [],
      resultType: 'complete',
      ttlMs: 0,
      cacheScope: 'private',
      _meta: { 'io.modelcontextprotocol/serverInfo': info },
    });
  });
});

describe('rpcResult', () => {
  it('writes a JSON-RPC response around a serialised result', () => {
    expect(JSON.parse(rpcResult('id-1', '{"tools":[]}'))).toEqual({
      jsonrpc: '2.0',
      id: 'id-1',
      result: { tools: [] },
    });
  });
});
