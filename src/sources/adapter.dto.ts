import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AdapterOptionSpec, SourceAdapter } from './source-adapter.js';

export class AdapterOptionView {
  @ApiProperty({ example: 'instance' })
  name!: string;
  @ApiProperty({ enum: ['string', 'url', 'number', 'boolean', 'string[]'], example: 'url' })
  type!: AdapterOptionSpec['type'];
  @ApiProperty({ example: false })
  required!: boolean;
  @ApiProperty({ example: false, description: 'Secret options are stored apart and never returned.' })
  secret!: boolean;
  @ApiProperty({ example: 'Base URL of the Mastodon instance whose hashtag timelines are read.' })
  description!: string;
  @ApiPropertyOptional({
    example: 'https://mastodon.social',
    description: 'Used when the option is left out.',
  })
  default?: AdapterOptionSpec['default'];
  @ApiPropertyOptional({ example: 'https://mastodon.social' })
  example?: AdapterOptionSpec['example'];
}

export class AdapterView {
  @ApiProperty({ example: 'mastodon', description: 'The name topics use in `sources[].adapter`.' })
  name!: string;
  @ApiProperty({ example: 'Hashtag timelines of a Mastodon instance (public, or with an app token).' })
  description!: string;
  @ApiProperty({ example: true, description: 'Whether backfills with a from/to window are supported.' })
  supportsWindow!: boolean;
  @ApiProperty({ type: [AdapterOptionView] })
  options!: AdapterOptionView[];
  @ApiProperty({
    description: 'The options as a JSON Schema object (secret options are `writeOnly`), for drawing forms.',
    example: {
      type: 'object',
      additionalProperties: false,
      required: [],
      properties: {
        instance: { type: 'string', format: 'uri', default: 'https://mastodon.social' },
        accessToken: { type: 'string', writeOnly: true, 'x-secret': true },
      },
    },
  })
  schema!: Record<string, unknown>;
}

export function adapterView(a: SourceAdapter): AdapterView {
  return {
    name: a.name,
    description: a.description,
    supportsWindow: a.supportsWindow,
    options: a.optionSpecs.map((s) => ({ ...s })),
    schema: {
      type: 'object',
      additionalProperties: false,
      required: a.optionSpecs.filter((s) => s.required).map((s) => s.name),
      properties: Object.fromEntries(a.optionSpecs.map((s) => [s.name, propertySchema(s)])),
    },
  };
}

function propertySchema(s: AdapterOptionSpec): Record<string, unknown> {
  const type =
    s.type === 'url'
      ? { type: 'string', format: 'uri' }
      : s.type === 'string[]'
        ? { type: 'array', items: { type: 'string' } }
        : { type: s.type };
  return {
    ...type,
    description: s.description,
    ...(s.default !== undefined ? { default: s.default } : {}),
    ...(s.example !== undefined ? { examples: [s.example] } : {}),
    ...(s.secret ? { writeOnly: true, 'x-secret': true } : {}),
  };
}
