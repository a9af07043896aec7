using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;

namespace SwarmPS.Engine.Docker
{
    /// <summary>
    /// One connection to an engine through `docker system dial-stdio` over SSH: writes go to the remote
    /// command's stdin, reads come from its stdout. Disposing ends the remote command.
    /// </summary>
    internal sealed class SshStdioStream : Stream
    {
        private readonly SshCommand command;
        private readonly Task execution;
        private readonly Stream input;
        private readonly Stream output;
        private bool disposed;

        // The engine closed its side: dial-stdio is exiting and the server is closing the channel.
        private volatile bool remoteEnded;

        internal SshStdioStream(SshCommand command, Task execution, Stream input)
        {
            this.command = command;
            this.execution = execution;
            this.input = input;
            output = command.OutputStream;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Seen(output.Read(buffer, offset, count), count);

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Seen(await output.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false), count);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Seen(await output.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);

        public override void Write(byte[] buffer, int offset, int count) => input.Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            input.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            input.WriteAsync(buffer, cancellationToken);

        public override void Flush() => input.Flush();

        private int Seen(int read, int asked)
        {
            if (read == 0 && asked > 0)
            {
                remoteEnded = true;
            }

            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !disposed)
            {
                disposed = true;
                try
                {
                    // Closing stdin makes dial-stdio end; cancel in case it does not. Once the remote end has closed, an EOF
                    // sent now can cross the server's channel close, and OpenSSH then drops the whole session ("ieof for
                    // nonexistent channel"), taking every other command on it down: send nothing then.
                    if (!remoteEnded && !execution.IsCompleted)
                    {
                        input.Dispose();
                        if (!execution.IsCompleted)
                        {
                            command.CancelAsync(forceKill: true, millisecondsTimeout: 500);
                        }
                    }
                }
                catch (Exception)
                {
                    // The connection may already be gone; nothing is left to close.
                }

                command.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
