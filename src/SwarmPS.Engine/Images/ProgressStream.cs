using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SwarmPS.Engine.Images
{
    /// <summary>A read-only stream that counts the bytes read through it and reports the count now and then (at most twice a second).</summary>
    internal sealed class ProgressStream : Stream
    {
        private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

        private readonly Stream inner;
        private readonly Action<long> report;
        private DateTime lastReport = DateTime.MinValue;
        private long read;

        internal ProgressStream(Stream inner, Action<long> report)
        {
            this.inner = inner;
            this.report = report;
        }

        /// <summary>Bytes read so far.</summary>
        internal long BytesRead => Interlocked.Read(ref read);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => BytesRead;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Counted(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Counted(int count)
        {
            long total = Interlocked.Add(ref read, count);
            DateTime now = DateTime.UtcNow;
            if (count == 0 || now - lastReport >= Interval)
            {
                lastReport = now;
                report(total);
            }

            return count;
        }
    }
}
