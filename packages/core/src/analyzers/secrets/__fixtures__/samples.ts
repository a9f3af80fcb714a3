/**
 * Hand-written true- and false-positive samples: realistic files with synthetic secrets (seeded
 * random values from generate.ts; no real credential). Rules without a hand-written sample get
 * generated ones in the rules test.
 */
import { B32, B62, B64, HEX, PASSWORD_CHARS, URLSAFE, b64, b64url, pem, randomBytes, randomString } from './generate.js';

export interface Sample {
  readonly rule: string;
  readonly text: string;
  readonly path?: string;
  /** The raw secret: it must never appear in a finding unless secrets are shown. */
  readonly secret?: string;
  /** For true positives: a phrase the finding's description must contain. */
  readonly note?: string;
}

const r = randomString('secrets-samples');

const awsId = `AKIA${r(B32, 16)}`;
const awsSecret = r(B64, 40);
const ghp = `ghp_${r(B62, 36)}`;
const ghFine = `github_pat_${r(B62, 22)}_${r(B62, 59)}`;
const glpat = `glpat-${r(URLSAFE, 20)}`;
const slackBot = `xoxb-${r('0123456789', 12)}-${r('0123456789', 13)}-${r(B62, 24)}`;
const slackHook = `hooks.slack.com/services/T${r('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 10)}/B${r('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 10)}/${r(B62, 24)}`;
const stripeLive = `sk_live_${r(B62, 99)}`;
const npmToken = `npm_${r(B62, 36)}`;
const pypiToken = `pypi-AgEIcHlwaS5vcmc${r(URLSAFE, 120)}`;
const gcpKey = `AIza${r(URLSAFE, 35)}`;
const azureKey = `${r(B64, 86)}==`;
const sendgrid = `SG.${r(URLSAFE, 22)}.${r(URLSAFE, 43)}`;
const twilioSid = `SK${r(HEX, 32)}`;
const openai = `sk-proj-${r(URLSAFE, 74)}T3BlbkFJ${r(URLSAFE, 74)}`;
const dbPassword = r(B62, 20);
const password = r(PASSWORD_CHARS.replace(/[:=]/g, ''), 18);
const apiKey = r(B62, 40);
const kubeToken = r(URLSAFE, 48);
const dockerPass = r(B62, 24);
const dockerAuth = b64(`ci-bot:${dockerPass}`);
const sasSig = `${r(B64, 43)}%3D`;
const telegram = `${r('0123456789', 10)}:AA${r(URLSAFE, 33)}`;

function jwt(header: object, payload: object, seed: string): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${randomString(seed)(URLSAFE, 86)}`;
}
const jwtToken = jwt({ alg: 'RS256', typ: 'JWT', kid: 'k1' }, { iss: 'https://auth.acme.internal', sub: 'svc-deployer', exp: 1924992000 }, 'jwt');
const saToken = jwt({ alg: 'RS256', kid: 'sa' }, { iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:ci:builder' }, 'sa');

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
function opensshKey(cipher: string, seed: string): Buffer {
  return Buffer.concat([Buffer.from('openssh-key-v1\0', 'latin1'), u32(cipher.length), Buffer.from(cipher), randomBytes(seed, 380)]);
}
function pgpSecretKey(usage: number, seed: string): Buffer {
  const n = Buffer.concat([Buffer.from([0x08, 0x00]), randomBytes(`${seed}-n`, 256)]);
  const e = Buffer.from([0x00, 0x11, 0x01, 0x00, 0x01]);
  const body = Buffer.concat([Buffer.from([4, 0x5f, 0x00, 0x00, 0x00, 1]), n, e, Buffer.from([usage]), randomBytes(`${seed}-s`, 300)]);
  // New-format packet header, tag 5 (secret key), two-octet length.
  const len = body.length - 192;
  return Buffer.concat([Buffer.from([0xc5, (len >> 8) + 192, len & 0xff]), body]);
}

const rsaKey = pem('RSA PRIVATE KEY', randomBytes('rsa', 1190));
const rsaEncrypted = pem('RSA PRIVATE KEY', randomBytes('rsa-enc', 1190), `Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${r(HEX, 32).toUpperCase()}\n\n`);
const opensshPlain = pem('OPENSSH PRIVATE KEY', opensshKey('none', 'ossh'));
const opensshEncrypted = pem('OPENSSH PRIVATE KEY', opensshKey('aes256-ctr', 'ossh-enc'));
const pgpPlain = pem('PGP PRIVATE KEY BLOCK', pgpSecretKey(0, 'pgp'), 'Comment: build signing key\n\n');
const pgpEncrypted = pem('PGP PRIVATE KEY BLOCK', pgpSecretKey(254, 'pgp-enc'), '\n');
const bodyOf = (block: string): string => block.split('\n').filter((l) => !l.startsWith('-----') && !l.includes(':') && l !== '').join('').slice(0, 64);

const gcpJson = JSON.stringify(
  {
    type: 'service_account',
    project_id: 'acme-prod',
    private_key_id: r(HEX, 40),
    private_key: pem('PRIVATE KEY', randomBytes('gcp', 1200)),
    client_email: 'deployer@acme-prod.iam.gserviceaccount.com',
    client_id: r('0123456789', 21),
    token_uri: 'https://oauth2.googleapis.com/token',
  },
  null,
  2,
);

export const TRUE_POSITIVES: readonly Sample[] = [
  { rule: 'aws-access-key-id', text: `export AWS_ACCESS_KEY_ID=${awsId}\n`, secret: awsId },
  { rule: 'aws-secret-access-key', text: `aws_secret_access_key = ${awsSecret}\n`, path: '/root/.aws/credentials', secret: awsSecret },
  { rule: 'aws-secret-access-key', text: `{"AccessKeyId": "ASIA...", "SecretAccessKey": "${awsSecret}"}\n`, secret: awsSecret },
  { rule: 'gcp-service-account-key', text: gcpJson, path: '/app/sa.json', note: 'deployer@acme-prod.iam.gserviceaccount.com' },
  { rule: 'gcp-api-key', text: `const firebaseConfig = { apiKey: "${gcpKey}", projectId: "acme" };\n`, path: '/app/static/main.js', secret: gcpKey },
  {
    rule: 'azure-storage-connection-string',
    text: `AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=${azureKey};EndpointSuffix=core.windows.net"\n`,
    secret: azureKey,
  },
  { rule: 'azure-storage-account-key', text: `storage:\n  account_key: ${azureKey}\n`, path: '/app/config.yaml', secret: azureKey },
  {
    rule: 'azure-sas-token',
    text: `BLOB_URL=https://acme.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&sig=${sasSig}\n`,
    secret: sasSig,
  },
  { rule: 'github-pat', text: `https://ci:${ghp}@github.com\n`, path: '/root/.git-credentials', secret: ghp },
  { rule: 'github-pat', text: `ENV GITHUB_TOKEN=${ghp}\n`, path: '/src/Dockerfile', secret: ghp },
  { rule: 'github-fine-grained-pat', text: `token: ${ghFine}\n`, secret: ghFine },
  { rule: 'gitlab-pat', text: `curl --header "PRIVATE-TOKEN: ${glpat}" https://gitlab.acme.io/api/v4/projects\n`, path: '/root/.bash_history', secret: glpat },
  { rule: 'slack-bot-token', text: `SLACK_BOT_TOKEN=${slackBot}\n`, path: '/app/.env', secret: slackBot },
  { rule: 'slack-webhook-url', text: `webhook_url: https://${slackHook}\n`, secret: slackHook },
  { rule: 'stripe-secret-key', text: `Stripe.api_key = '${stripeLive}'\n`, path: '/app/config/initializers/stripe.rb', secret: stripeLive },
  { rule: 'sendgrid-api-key', text: `SENDGRID_API_KEY=${sendgrid}\n`, secret: sendgrid },
  { rule: 'twilio-api-key', text: `TWILIO_API_KEY=${twilioSid}\n`, secret: twilioSid },
  { rule: 'telegram-bot-token', text: `bot = telebot.TeleBot("${telegram}")\n`, path: '/app/bot.py', secret: telegram },
  { rule: 'openai-api-key', text: `OPENAI_API_KEY=${openai}\n`, secret: openai },
  { rule: 'npm-access-token', text: `//registry.npmjs.org/:_authToken=${npmToken}\n`, path: '/root/.npmrc', secret: npmToken },
  { rule: 'npmrc-auth-token', text: `//npm.acme.io/:_authToken=${apiKey}\n`, path: '/home/node/.npmrc', secret: apiKey },
  { rule: 'npmrc-basic-auth', text: `_auth=${dockerAuth}\nalways-auth=true\n`, path: '/root/.npmrc', secret: dockerAuth },
  { rule: 'pypi-upload-token', text: `[pypi]\nusername = __token__\npassword = ${pypiToken}\n`, path: '/root/.pypirc', secret: pypiToken },
  { rule: 'pypirc-password', text: `[acme]\nrepository = https://pypi.acme.io\nusername = ci\npassword = ${password}\n`, path: '/root/.pypirc', secret: password },
  {
    rule: 'docker-config-auth',
    text: `{\n  "auths": {\n    "registry.acme.io": {\n      "auth": "${dockerAuth}"\n    }\n  }\n}\n`,
    path: '/root/.docker/config.json',
    secret: dockerAuth,
    note: "user 'ci-bot'",
  },
  {
    rule: 'kubeconfig-token',
    text: `apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n    token: ${kubeToken}\n`,
    path: '/root/.kube/config',
    secret: kubeToken,
  },
  {
    rule: 'kubeconfig-client-key-data',
    text: `users:\n- name: admin\n  user:\n    client-certificate-data: ${b64(randomBytes('crt', 300))}\n    client-key-data: ${b64(pem('RSA PRIVATE KEY', randomBytes('kck', 900)))}\n`,
    path: '/etc/kubernetes/admin.conf',
  },
  {
    rule: 'kubernetes-secret-data',
    text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: ${b64(password)}\n`,
    path: '/deploy/secret.yaml',
  },
  { rule: 'jwt', text: `Authorization: Bearer ${jwtToken}\n`, path: '/root/.bash_history', secret: jwtToken, note: 'RS256' },
  { rule: 'jwt', text: `SA_TOKEN=${saToken}\n`, secret: saToken, note: 'kubernetes/serviceaccount' },
  { rule: 'private-key-rsa', text: rsaKey, path: '/root/.ssh/id_rsa', secret: bodyOf(rsaKey), note: 'not encrypted' },
  { rule: 'private-key-rsa', text: rsaEncrypted, path: '/etc/ssl/private/server.key', secret: bodyOf(rsaEncrypted), note: 'encrypted with a passphrase' },
  { rule: 'private-key-openssh', text: opensshPlain, path: '/root/.ssh/id_ed25519', secret: bodyOf(opensshPlain), note: 'not encrypted' },
  { rule: 'private-key-openssh', text: opensshEncrypted, path: '/home/app/.ssh/id_ed25519', note: 'encrypted with a passphrase' },
  { rule: 'private-key-pgp', text: pgpPlain, path: '/build/signing.asc', note: 'not encrypted' },
  { rule: 'private-key-pgp', text: pgpEncrypted, path: '/build/signing-enc.asc', note: 'encrypted with a passphrase' },
  { rule: 'private-key-ec', text: pem('EC PRIVATE KEY', randomBytes('ec', 121)), path: '/app/certs/tls.key' },
  { rule: 'private-key-dsa', text: pem('DSA PRIVATE KEY', randomBytes('dsa', 440)), path: '/etc/ssh/ssh_host_dsa_key' },
  { rule: 'private-key-pkcs8', text: `{"key": "${pem('PRIVATE KEY', randomBytes('p8', 1200)).replace(/\n/g, '\\n')}"}\n`, path: '/app/key.json' },
  { rule: 'private-key-pkcs8-encrypted', text: pem('ENCRYPTED PRIVATE KEY', randomBytes('p8e', 1250)), path: '/app/key.pem', note: 'encrypted' },
  {
    rule: 'private-key-ssh2',
    text: `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: "rsa-key-2024"\n${(b64(randomBytes('ssh2', 700)).match(/.{1,70}/g) ?? []).join('\n')}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n`,
  },
  {
    rule: 'private-key-putty',
    text: `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n${b64(randomBytes('ppk', 51))}\n`,
    path: '/home/app/deploy.ppk',
    note: 'not encrypted',
  },
  {
    rule: 'openvpn-static-key',
    text: `#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n${Array.from({ length: 16 }, () => r(HEX, 32)).join('\n')}\n-----END OpenVPN Static key V1-----\n`,
    path: '/etc/openvpn/ta.key',
  },
  { rule: 'postgres-url-password', text: `DATABASE_URL=postgres://app:${dbPassword}@db.internal:5432/app?sslmode=require\n`, secret: dbPassword },
  { rule: 'mysql-url-password', text: `SQLALCHEMY_DATABASE_URI = "mysql+pymysql://app:${dbPassword}@mysql:3306/shop"\n`, path: '/app/settings.py', secret: dbPassword },
  { rule: 'mongodb-url-password', text: `MONGO_URL=mongodb+srv://svc:${dbPassword}@cluster0.ab1cd.mongodb.net/prod\n`, secret: dbPassword },
  { rule: 'redis-url-password', text: `REDIS_URL=redis://:${dbPassword}@cache:6379/0\n`, secret: dbPassword },
  { rule: 'amqp-url-password', text: `broker_url = "amqp://worker:${dbPassword}@rabbitmq:5672//"\n`, secret: dbPassword },
  { rule: 'mssql-url-password', text: `DB=sqlserver://sa:${dbPassword}@mssql:1433?database=erp\n`, secret: dbPassword },
  {
    rule: 'jdbc-url-password',
    text: `spring.datasource.url=jdbc:postgresql://db:5432/app?user=app&password=${dbPassword}\n`,
    path: '/app/application.properties',
    secret: dbPassword,
  },
  { rule: 'generic-password-assignment', text: `db:\n  host: postgres\n  password: "${password}"\n`, path: '/app/config.yaml', secret: password },
  { rule: 'generic-password-assignment', text: `MYSQL_ROOT_PASSWORD=${password}\n`, path: '/app/.env', secret: password },
  { rule: 'generic-secret-assignment', text: `client_secret = "${apiKey}"\n`, path: '/app/oauth.ini', secret: apiKey },
  { rule: 'generic-api-key-assignment', text: `{"api_key": "${apiKey}"}\n`, path: '/app/settings.json', secret: apiKey },
  { rule: 'generic-credential-assignment', text: `creds := "${apiKey}"\n`, path: '/app/cmd/main.go', secret: apiKey },
  { rule: 'authorization-header', text: `wget --header="Authorization: Basic ${b64(`admin:${password}`)}" https://internal/api\n`, path: '/root/.ash_history' },
  {
    rule: 'jwt-base64',
    text: `session: ${b64(`${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(`{"sub":"${r(B62, 10)}","iat":1700000000}`)}.${r(URLSAFE, 43)}`)}\n`,
    path: '/app/config/session.yaml',
  },
  { rule: 'sentry-org-token', text: `SENTRY_AUTH_TOKEN=sntrys_eyJ${r(B62, 120)}\n`, path: '/app/.env' },
  { rule: 'vault-service-token-legacy', text: `export VAULT_TOKEN=s.${r(B62, 24)}\n`, path: '/root/.bashrc' },
  { rule: 'octopus-deploy-api-key', text: `set apikey="API-${r('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 26)}"\n`, path: '/app/deploy.ps1' },
  {
    rule: 'kubernetes-secret-data',
    text: `apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n  keystore.p12: ${randomBytes('k8s-keystore', 48).toString('base64')}\n`,
    path: '/app/k8s/keystore-secret.yaml',
  },
  { rule: 'jwt', text: `X-Api-Key: ${b64url('{"alg":"none"}')}.${b64url(`{"sub":"${r(B62, 12)}","role":"admin"}`)}.\n`, path: '/app/notes.txt' },
  { rule: 'curl-auth-header', text: `curl -X GET https://deploy.acme.io/api \\\n  -H "X-Deploy-ApiKey: ${apiKey}"\n`, path: '/app/scripts/deploy.sh', secret: apiKey },
  { rule: 'url-basic-auth', text: `pip install --index-url https://ci:${dbPassword}@pypi.acme.io/simple app\n`, path: '/root/.bash_history', secret: dbPassword },
  { rule: 'cli-password-flag', text: `docker login --username ci --password ${password} registry.acme.io\n`, path: '/root/.bash_history', secret: password },
  { rule: 'mysql-cli-password', text: `mysql -u root -p${dbPassword} -h db shop < dump.sql\n`, path: '/root/.bash_history', secret: dbPassword },
  { rule: 'sshpass-password', text: `sshpass -p '${dbPassword}' ssh deploy@10.0.0.5\n`, path: '/root/.bash_history', secret: dbPassword },
  { rule: 'curl-basic-auth', text: `curl -u admin:${dbPassword} https://jenkins.acme.io/api/json\n`, path: '/root/.zsh_history', secret: dbPassword },
  { rule: 'wordpress-db-password', text: `define( 'DB_PASSWORD', '${dbPassword}' );\n`, path: '/var/www/html/wp-config.php', secret: dbPassword },
  { rule: 'wordpress-auth-salt', text: `define('AUTH_KEY', '${r(PASSWORD_CHARS, 64)}');\n`, path: '/var/www/html/wp-config.php' },
  { rule: 'django-secret-key', text: `SECRET_KEY = '${r(PASSWORD_CHARS, 50)}'\n`, path: '/app/mysite/settings.py' },
  { rule: 'rails-master-key', text: `${r(HEX, 32)}\n`, path: '/app/config/master.key' },
  { rule: 'laravel-app-key', text: `APP_KEY=base64:${b64(randomBytes('laravel', 32))}\n`, path: '/var/www/.env' },
  { rule: 'git-credentials', text: `https://deploy:${dbPassword}@git.acme.io\n`, path: '/root/.git-credentials', secret: dbPassword },
  { rule: 'netrc-password', text: `machine api.acme.io login ci password ${dbPassword}\n`, path: '/root/.netrc', secret: dbPassword },
  { rule: 'airtable-pat', text: `AIRTABLE_TOKEN=pat${r(B62, 14)}.${r(HEX, 64)}\n` },
  { rule: 'twitter-bearer-token', text: `TWITTER_BEARER_TOKEN=${'A'.repeat(21)}${r(B62, 30)}%2F${r(B62, 20)}%3D${r(B62, 40)}\n` },
];

export const FALSE_POSITIVES: readonly Sample[] = [
  { rule: 'aws-access-key-id', text: 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n', path: '/root/.aws/credentials' },
  { rule: 'aws-access-key-id', text: 'const SEARCH_INDEX = "AKIAXXXXXXXXXXXXXXXX";\n' },
  { rule: 'aws-secret-access-key', text: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' },
  { rule: 'aws-secret-access-key', text: 'AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}\n' },
  { rule: 'gcp-service-account-key', text: '{\n  "type": "service_account",\n  "project_id": "acme",\n  "client_email": "ci@acme.iam.gserviceaccount.com"\n}\n' },
  { rule: 'gcp-api-key', text: 'apiKey: "AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"\n' },
  { rule: 'azure-storage-connection-string', text: 'DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=<your-account-key>\n' },
  { rule: 'azure-sas-token', text: 'url = base + "?sv=2022-11-02&sig=" + signature\n' },
  { rule: 'github-pat', text: 'Personal access tokens start with ghp_ followed by 36 characters.\n' },
  { rule: 'github-pat', text: 'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n' },
  { rule: 'gitlab-pat', text: 'PRIVATE-TOKEN: glpat-<your_access_token>\n' },
  { rule: 'slack-webhook-url', text: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n' },
  { rule: 'stripe-secret-key', text: "Stripe.api_key = ENV.fetch('STRIPE_SECRET_KEY') # sk_live_...\n" },
  { rule: 'npm-access-token', text: '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n', path: '/root/.npmrc' },
  { rule: 'npmrc-auth-token', text: '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n', path: '/root/.npmrc' },
  { rule: 'npmrc-basic-auth', text: '_auth=dXNlcm5hbWU=\n', path: '/root/.npmrc' },
  { rule: 'pypi-upload-token', text: 'password = pypi-AgEIcHlwaS5vcmc\n', path: '/root/.pypirc' },
  { rule: 'pypirc-password', text: '[pypi]\nusername = __token__\npassword = ${PYPI_TOKEN}\n', path: '/root/.pypirc' },
  { rule: 'docker-config-auth', text: '{"auths": {"registry.acme.io": {"auth": "dXNlcm5hbWU="}}, "credsStore": "desktop"}\n', path: '/root/.docker/config.json' },
  { rule: 'kubeconfig-token', text: 'users:\n- name: ci\n  user:\n    token: ${KUBE_TOKEN}\n', path: '/root/.kube/config' },
  { rule: 'kubeconfig-client-key-data', text: `client-key-data: ${b64(randomBytes('not-a-key', 600))}\n`, path: '/root/.kube/config' },
  { rule: 'kubernetes-secret-data', text: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: "{{ .Values.password }}"\n' },
  {
    rule: 'jwt',
    text: 'curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"\n',
    path: '/app/README.txt',
  },
  { rule: 'jwt', text: `token = "eyJ${r(URLSAFE, 40)}.eyJ${r(URLSAFE, 60)}.${r(URLSAFE, 43)}"\n` },
  { rule: 'private-key-rsa', text: '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n', path: '/app/docs/tls.txt' },
  { rule: 'private-key-pkcs8', text: pem('PUBLIC KEY', randomBytes('pub', 294)), path: '/app/public.pem' },
  { rule: 'private-key-pkcs8', text: `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(64)}\n${'A'.repeat(64)}\n-----END PRIVATE KEY-----\n` },
  { rule: 'private-key-putty', text: 'Save the key as a PuTTY-User-Key-File-3 (.ppk) first.\n' },
  { rule: 'postgres-url-password', text: 'DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app\n' },
  { rule: 'postgres-url-password', text: 'TEST_DATABASE_URL=postgresql://postgres:password@localhost/test\n' },
  { rule: 'mysql-url-password', text: 'url = "mysql://user:pass@localhost/db"\n' },
  { rule: 'mongodb-url-password', text: 'MONGO_URL=mongodb://mongo:27017/app\n' },
  { rule: 'redis-url-password', text: 'REDIS_URL=redis://redis:6379/0\n' },
  { rule: 'generic-password-assignment', text: 'password = os.environ["DB_PASSWORD"]\n', path: '/app/settings.py' },
  { rule: 'generic-password-assignment', text: 'const password: string = req.body.password;\n', path: '/app/src/login.ts' },
  { rule: 'generic-password-assignment', text: '  password: "changeme"\n', path: '/app/values.yaml' },
  { rule: 'generic-password-assignment', text: 'PASSWORD_MIN_LENGTH = 12\n', path: '/app/settings.py' },
  { rule: 'generic-password-assignment', text: 'set DB_PASSWORD=%DB_PASSWORD%\r\njdbc.password=@JDBC_PASSWORD@\n', path: '/app/setup.cmd' },
  { rule: 'generic-password-assignment', text: 'password: /run/secrets/postgres_pw2\n', path: '/app/compose.yaml' },
  { rule: 'generic-password-assignment', text: 'password = self.password_hasher.hash(raw)\n', path: '/app/users.py' },
  { rule: 'generic-password-assignment', text: `{"password": "${password}"}\n`, path: '/usr/lib/node_modules/some-lib/fixture.json' },
  { rule: 'generic-secret-assignment', text: 'secret: my-tls-secret\n', path: '/deploy/ingress.yaml' },
  { rule: 'generic-secret-assignment', text: 'client_secret = settings.OAUTH_CLIENT_SECRET\n' },
  { rule: 'generic-api-key-assignment', text: 'api_key = get_api_key()\n' },
  { rule: 'generic-secret-assignment', text: "'secret_key' => 'sk_abcdefghijklmnopqrstuvwxyz123',\n", path: '/app/config.php' },
  { rule: 'generic-api-key-assignment', text: 'export OP_TOKEN=ops_eyJzaWduSW5BZGRyZXNzIjoiaHR0cHM6...\n', path: '/app/README.txt' },
  { rule: 'generic-api-key-assignment', text: 'DATABRICKS_TOKEN=dapi123456789012345678a9bc01234defg5\n', path: '/app/.env.example' },
  { rule: 'generic-credential-assignment', text: 'const url = "https://example.org/x?key=value%23still-query#frag";\n' },
  { rule: 'generic-credential-assignment', text: 'key: i18n.home.title.subtitle\n', path: '/app/locales/en.yaml' },
  { rule: 'generic-credential-assignment', text: `public_key: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA${r(B64, 40)}"\n`, path: '/app/jwks.yaml' },
  { rule: 'generic-api-key-assignment', text: 'token: ${{ secrets.GITHUB_TOKEN }}\n', path: '/app/.github/workflows/ci.yml' },
  { rule: 'generic-api-key-assignment', text: 'const token = tokenizer.next_token_value;\n' },
  { rule: 'authorization-header', text: 'curl -H "Authorization: Bearer $TOKEN" https://api\n', path: '/root/.bash_history' },
  { rule: 'url-basic-auth', text: 'git clone https://github.com/acme/app.git\n' },
  { rule: 'url-basic-auth', text: 'proxy = http://user:password@proxy.local:3128\n' },
  { rule: 'cli-password-flag', text: 'echo "$PASS" | docker login --username ci --password-stdin registry.acme.io\n', path: '/root/.bash_history' },
  { rule: 'cli-password-flag', text: 'psql --password=$PGPASSWORD -h db\n', path: '/root/.bash_history' },
  { rule: 'mysql-cli-password', text: 'apt-get install -y default-mysql-client && mkdir -p /var/run/mysqld\n', path: '/root/.bash_history' },
  { rule: 'curl-basic-auth', text: 'curl -u "$USER:$TOKEN" https://api\n', path: '/root/.bash_history' },
  { rule: 'curl-basic-auth', text: "curl -u 'admin:changeme' https://api\n", path: '/root/.bash_history' },
  { rule: 'vault-service-token-legacy', text: 'this.s.makeKubeConfigController = args\nreturn s.AcceptanceTimeoutSeconds;\n', path: '/app/src/ctl.go' },
  { rule: 'jwt', text: `token: ${b64url('{"alg":"HS256"}')}.${b64url('{"sub":"x"}')}.\n`, path: '/app/notes.txt' },
  { rule: 'curl-auth-header', text: 'curl -H "Authorization: Bearer <your API token>" https://api\n', path: '/app/README.txt' },
  { rule: 'wordpress-db-password', text: "define( 'DB_PASSWORD', 'password_here' );\n", path: '/var/www/html/wp-config-sample.php' },
  { rule: 'wordpress-auth-salt', text: "define( 'AUTH_KEY',         'put your unique phrase here' );\n", path: '/var/www/html/wp-config-sample.php' },
  { rule: 'django-secret-key', text: "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n", path: '/app/mysite/settings.py' },
  { rule: 'rails-master-key', text: `${r(HEX, 32)}\n`, path: '/app/config/secrets.txt' },
  { rule: 'git-credentials', text: 'https://github.com\n', path: '/root/.git-credentials' },
  { rule: 'netrc-password', text: 'machine api.acme.io login ci password ${NETRC_PASSWORD}\n', path: '/root/.netrc' },
  { rule: 'telegram-bot-token', text: 'time=12:34:56 AAA:AA\n' },
  { rule: 'twitter-bearer-token', text: `font: url(data:font/woff2;base64,${'A'.repeat(40)}${r(B62, 60)})\n`, path: '/app/static/app.css' },
  { rule: 'openai-api-key', text: 'OPENAI_API_KEY=sk-...\n' },
  { rule: 'sendgrid-api-key', text: 'msg.send(); msg.to = user;\n' },
  { rule: 'twilio-api-key', text: `SKU=SK${r(HEX, 32)}\n` },
  { rule: 'azure-storage-account-key', text: `access_key: ${'A'.repeat(86)}==\n` },
];
