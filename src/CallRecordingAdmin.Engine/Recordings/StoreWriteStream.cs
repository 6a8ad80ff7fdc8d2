using System;
using System.IO;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// The destination of an import's encryption, wrapped so that a failure while writing into the store (disk full,
    /// an I/O error of the store's volume) is told apart from a failure while reading the recorder's file: both are
    /// IOExceptions from inside one RecordingCipher.Encrypt call, but only the first is the store's fault
    /// (StoreWriteFailed rather than RecordingFileUnreadable).
    /// </summary>
    internal sealed class StoreWriteStream : Stream
    {
        private readonly Stream _inner;

        public StoreWriteStream(Stream inner) { _inner = inner; }

        /// <summary>The exception a write, flush or close of the store file threw, if any.</summary>
        public Exception Failure { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _inner.Length;
        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Guard(() => _inner.Write(buffer, offset, count));
        public override void WriteByte(byte value) => Guard(() => _inner.WriteByte(value));
        public override void Flush() => Guard(_inner.Flush);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            // closing flushes what the file stream still buffers: that write can fail too (ENOSPC)
            if (disposing) Guard(_inner.Dispose);
            base.Dispose(disposing);
        }

        private void Guard(Action write)
        {
            try
            {
                write();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                if (Failure == null) Failure = e;
                throw;
            }
        }
    }
}
