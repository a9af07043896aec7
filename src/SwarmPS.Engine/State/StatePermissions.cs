using System;
using System.IO;

namespace SwarmPS.Engine.State
{
    /// <summary>
    /// Refuses private keys and state folders that others can read or change, as ssh refuses an "UNPROTECTED
    /// PRIVATE KEY FILE": a key readable by the group or others is no longer private, and a folder others can write
    /// lets them swap the CA or a key under SwarmPS. Nothing is fixed silently; the message gives the exact chmod.
    /// On Windows, which has no Unix modes, nothing is checked.
    /// </summary>
    public static class StatePermissions
    {
        private const UnixFileMode GroupOrOther =
            UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
            UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

        private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

        /// <summary>Throws KeyFilePermissionsTooOpen when the private key at <paramref name="path"/> grants the group or others any access.</summary>
        /// <param name="target">The host or file the error is reported against.</param>
        public static void RequirePrivateKeyFile(string path, string? target = null)
        {
            if (OperatingSystem.IsWindows() || !File.Exists(path))
            {
                return;
            }

            UnixFileMode mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOther) != 0)
            {
                throw new SwarmException(
                    "KeyFilePermissionsTooOpen",
                    SwarmErrorKind.SecurityError,
                    $"The private key '{path}' can be read or changed by other users (mode {Octal(mode)}), so it is refused, as ssh refuses it. Run: chmod 600 '{path}'",
                    target ?? path);
            }
        }

        /// <summary>Throws StateFolderPermissionsTooOpen when the folder at <paramref name="path"/> is writable by the group or others.</summary>
        /// <param name="path">The folder.</param>
        /// <param name="allowSticky">
        /// True for a folder that only holds SwarmPS's folder (the state folder's parent, such as /tmp): with the sticky
        /// bit others may add entries but not rename or remove ours.
        /// </param>
        public static void RequirePrivateFolder(string path, bool allowSticky = false)
        {
            if (OperatingSystem.IsWindows() || !Directory.Exists(path))
            {
                return;
            }

            UnixFileMode mode = File.GetUnixFileMode(path);
            if ((mode & WritableByOthers) != 0 && !(allowSticky && (mode & UnixFileMode.StickyBit) != 0))
            {
                throw new SwarmException(
                    "StateFolderPermissionsTooOpen",
                    SwarmErrorKind.SecurityError,
                    $"The SwarmPS state folder '{path}' can be written by other users (mode {Octal(mode)}), who could replace its CA or keys, so it is not used. Run: chmod go-w '{path}'",
                    path);
            }
        }

        private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');
    }
}
