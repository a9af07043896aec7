using System;
using System.IO;
using System.Linq;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>
    /// A fact about Unix file modes. On Windows, which has none, xunit reports it as skipped rather than
    /// letting it pass without checking anything.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public sealed class UnixFactAttribute : FactAttribute
    {
        public UnixFactAttribute()
        {
            if (OperatingSystem.IsWindows())
            {
                Skip = "Unix file modes do not exist on Windows.";
            }
        }
    }

    internal static class TestEnvironment
    {
        /// <summary>
        /// The full path of a program a test runs to check SwarmPS's files against the real tool. A missing one
        /// fails the test, naming the Debian package that brings it: .ci/run installs it, as the lab needs it too.
        /// </summary>
        public static string RequireOnPath(string program, string debianPackage)
        {
            string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
            string? path = directories.Select(directory => Path.Combine(directory, program)).FirstOrDefault(File.Exists);
            Assert.True(path is not null, $"{program} is not on PATH: install the Debian package {debianPackage} (.ci/run does).");
            return path!;
        }
    }
}
