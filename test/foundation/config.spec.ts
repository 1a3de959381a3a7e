import { ConfigError, loadConfig } from '../../src/config/app-config.js';

describe('configuration', () => {
  it('applies defaults: embedded database in ./data on port 3000', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.embedded).toBe(true);
    expect(c.database.dataDir).toBe('./data');
    expect(c.enableScheduler).toBe(true);
    expect(c.readApiKeys).toEqual([]);
  });

  it('reads typed values', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@db:5432/gs',
      ENABLE_SCHEDULER: 'false',
      READ_API_KEYS: ' a , b ,,',
    });
    expect(c.port).toBe(8080);
    expect(c.embedded).toBe(false);
    expect(c.enableScheduler).toBe(false);
    expect(c.readApiKeys).toEqual(['a', 'b']);
  });

  it.each([
    ['PORT', 'eighty'],
    ['DATABASE_URL', 'mysql://x'],
    ['ENABLE_SCHEDULER', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['ADMIN_API_KEY', 'short'],
  ])('a wrong %s stops the process with a message naming it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(name);
  });
});
