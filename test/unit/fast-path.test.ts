import { describe, expect, it } from 'vitest';
import { classifyFast, rpcResult } from '../../src/mcp/fast-path.ts';

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
      kind: 'call',
      id: 7,
      name: 'get_pods',
      args: { limit: 5 },
    });
  });

  it('takes tools/list without a protocol-version header (first request of an old client)', () => {
    const { 'mcp-protocol-version': _v, ...noVersion } = H;
    expect(classifyFast({ jsonrpc: '2.0', id: 'a', method: 'tools/list' }, noVersion)).toEqual({
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

describe('rpcResult', () => {
  it('writes a JSON-RPC response around a serialised result', () => {
    expect(JSON.parse(rpcResult('id-1', '{"tools":[]}'))).toEqual({
      jsonrpc: '2.0',
      id: 'id-1',
      result: { tools: [] },
    });
  });
});
