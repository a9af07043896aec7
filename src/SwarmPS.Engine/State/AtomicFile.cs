using System;
using System.IO;
using System.Security.Cryptography;

namespace SwarmPS.Engine.State
{
    /// <summary>Files written beside their target and renamed in, so a reader never sees half a file.</summary>
    internal static class AtomicFile
    {
        /// <param name="mode">The file's Unix mode from its creation on: a secret is never readable by others, not even briefly.</param>
        internal static void Write(string path, string content, UnixFileMode mode, bool overwrite)
        {
            string temporaryPath = path + ".tmp-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }

            try
            {
                using (var stream = new FileStream(temporaryPath, options))
                using (var writer = new StreamWriter(stream))
                {
                    writer.Write(content);
                    writer.Flush();
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporaryPath, path, overwrite);
            }
            catch
            {
                File.Delete(temporaryPath);
                throw;
            }
        }
    }
}
