import { classify, parseGateRoutes, parseOriginalUri } from './gate-routes';

describe('gate routes', () => {
  const routes = parseGateRoutes('/transcribe=transcriptions,/translate=translations,/tts=tts,/v1/tts/=translations');

  it('matches prefixes at a path-segment boundary, the longest first; the rest are plain requests', () => {
    expect(classify(routes, '/tts')).toBe('tts');
    expect(classify(routes, '/tts/voices')).toBe('tts');
    expect(classify(routes, '/ttsx')).toBe('requests');
    expect(classify(routes, '/v1/tts/x')).toBe('translations');
    expect(classify(routes, '/transcribe')).toBe('transcriptions');
    expect(classify(routes, '/')).toBe('requests');
    expect(classify(routes, '/TTS')).toBe('requests');
    expect(classify(parseGateRoutes('/=tts,/translate=translations'), '/anything')).toBe('tts');
    expect(classify(parseGateRoutes('/=tts,/translate=translations'), '/translate/x')).toBe('translations');
  });

  it('reads the original URI as the upstream resolves it', () => {
    expect(parseOriginalUri('/tts?voice=a&api_key=tk_x')).toEqual({
      path: '/tts',
      query: new URLSearchParams('voice=a&api_key=tk_x'),
    });
    expect(parseOriginalUri('/transcribe/../tts')?.path).toBe('/tts');
    expect(parseOriginalUri('//tts//x/./y')?.path).toBe('/tts/x/y');
    expect(parseOriginalUri('/%74ts')?.path).toBe('/tts');
    expect(parseOriginalUri('/../../tts')?.path).toBe('/tts');
    expect(parseOriginalUri('https://api.example.com/tts?x=1')?.path).toBe('/tts');
    expect(parseOriginalUri('http://api.example.com')?.path).toBe('/');
    expect(parseOriginalUri('/tts#frag')?.query).toBeNull();
    expect(parseOriginalUri('/%E0%A4%A')).toBeNull();
    expect(parseOriginalUri('tts')).toBeNull();
  });
});
