import { guarded, languagePackage, MiB, output, purl } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { ErlangTermError, parseErlangTerms, propList, termItems, termText } from './erlang-terms.js';
import type { ErlangTerm } from './erlang-terms.js';

/**
 * An OTP application resource file (`<app>/ebin/<app>.app`): `{application, Name, [{vsn, V}, …]}`,
 * installed with every Erlang/OTP and Elixir application — the OTP libraries themselves, RabbitMQ,
 * an Elixir release's dependencies. Type `erlang-otp`, purl `pkg:otp/name@v`, as Syft writes it.
 * Other files named `*.app` (it is a common extension) are not read as one: nothing is reported.
 */
export function parseOtpApp(path: string, content: Buffer): CatalogOutput {
  let terms: ErlangTerm[];
  try {
    terms = parseErlangTerms(decodeText(content));
  } catch (error) {
    if (error instanceof ErlangTermError) return output([]);
    throw error;
  }
  const [tag, nameTerm, properties] = termItems(terms[0]);
  const name = termText(nameTerm);
  if (termText(tag) !== 'application' || tag?.kind !== 'atom' || name === null) return output([]);
  const props = propList(properties);
  const version = termText(props.get('vsn'));
  if (version === null) return output([]);
  return output([
    languagePackage({
      ref: `${path}#${name}@${version}`,
      name,
      version,
      type: 'erlang-otp',
      purl: purl('otp', null, name, version),
      evidence: 'installed',
      source: 'otp-app',
      fields: { description: termText(props.get('description')), id: termText(props.get('id')) },
      paths: [path],
    }),
  ]);
}

export const erlangOtpApplicationCataloger: Cataloger = {
  id: 'erlang-otp-application-cataloger',
  version: 1,
  packageTypes: ['erlang-otp'],
  selector: { suffixes: ['.app'] },
  maxFileSize: 4 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseOtpApp(file.path, file.content)),
};
