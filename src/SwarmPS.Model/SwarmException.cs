using System;

namespace SwarmPS
{
    /// <summary>How a failure should be classified for PowerShell (mirrors ErrorCategory without depending on it).</summary>
    public enum SwarmErrorKind
    {
        InvalidArgument,
        ConnectionError,
        SecurityError,
        PermissionDenied,
        NotInstalled,
        InvalidData,
        ResourceUnavailable,
        OperationTimeout,
        InvalidOperation,
        ObjectNotFound,
        ResourceExists,
        OperationStopped,
    }

    /// <summary>
    /// A failure the user can act on: a stable PascalCase id (the FullyQualifiedErrorId's first part),
    /// a category and a message that says what was wrong and what would be right.
    /// </summary>
    public class SwarmException : Exception
    {
        public SwarmException(string errorId, SwarmErrorKind kind, string message, string? target = null, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        /// <summary>Stable PascalCase id such as HostKeyMismatch.</summary>
        public string ErrorId { get; }

        public SwarmErrorKind Kind { get; }

        /// <summary>The host, node or file the error is about.</summary>
        public string? Target { get; }
    }
}
