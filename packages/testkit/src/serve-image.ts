import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BuiltImage } from './image-writer.js';

/**
 * A request handler that serves `image` as `<repository>:<tag>` the way a registry does over the
 * distribution API, and nothing else: the ping, the manifest by tag, the config and layer blobs.
 */
export function imageRegistryHandler(image: BuiltImage, repository = 'app', tag = '1'): (req: IncomingMessage, res: ServerResponse) => void {
  const blobs = new Map([image.config, ...image.layers].map((b) => [`/v2/${repository}/blobs/${b.digest}`, b.bytes]));
  return (req, res) => {
    const blob = blobs.get(req.url ?? '');
    if (req.url === '/v2/') res.writeHead(200).end('{}');
    else if (req.url === `/v2/${repository}/manifests/${tag}`) {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': image.manifest.digest }).end(image.manifest.bytes);
    } else if (blob !== undefined) res.writeHead(200, { 'content-length': blob.length }).end(blob);
    else res.writeHead(404).end();
  };
}
