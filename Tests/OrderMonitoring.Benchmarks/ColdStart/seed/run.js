// Stands in for Lambda's Node.js runtime in the cold-start benchmark: a fresh node process that loads the seed's
// handler and calls it once with an event file; prints "peak-rss-kb N" to stderr (Lambda's "Max Memory Used").
const fs = require('fs');
const { handler } = require('./handler.js');

(async () => {
  const event = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const result = await handler(event);
  process.stdout.write('\n' + JSON.stringify(result) + '\n');
  process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
})().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
