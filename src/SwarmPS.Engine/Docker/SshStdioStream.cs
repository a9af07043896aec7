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

        public override int Read(byte[] buffer, int offset, int count) => output.Read(buffer, offset, count);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            output.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            output.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => input.Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            input.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            input.WriteAsync(buffer, cancellationToken);

        public override void Flush() => input.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !disposed)
            {
                disposed = true;
                try
                {
                    // Closing stdin makes dial-stdio end; cancel in case it does not.
                    input.Dispose();
                    if (!execution.IsCompleted)
                    {
                        command.CancelAsync(forceKill: true, millisecondsTimeout: 500);
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
