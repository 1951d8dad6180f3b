import load = require('./load.cjs');

// A reader that stops early (`kubematrix scan … | head`) closes the pipe: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

load
  .loadCli()
  .cli.run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
