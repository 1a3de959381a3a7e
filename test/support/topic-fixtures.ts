/** A valid topic body to start from in tests; override what a test is about. */
export function topicBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    slug: 'nurses-pay',
    name: 'Nurses pay',
    query: { hashtags: ['nursespay'], keywords: ['nurses pay'], exclude: [], languages: ['en'] },
    timezone: 'Europe/London',
    schedule: '*/10 * * * *',
    ...overrides,
  };
}
