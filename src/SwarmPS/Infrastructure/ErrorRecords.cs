using System;
using System.Management.Automation;

namespace SwarmPS.Infrastructure
{
    /// <summary>Turns engine failures into ErrorRecords with a stable id, a specific category and the host as target.</summary>
    internal static class ErrorRecords
    {
        internal static ErrorRecord From(SwarmException exception, object? target = null)
        {
            return new ErrorRecord(exception, exception.ErrorId, Category(exception.Kind), target ?? exception.Target);
        }

        /// <summary>A failure nobody foresaw: still tagged with the host, never swallowed.</summary>
        internal static ErrorRecord Unexpected(Exception exception, string errorId, object? target)
        {
            ErrorCategory category = exception switch
            {
                TimeoutException => ErrorCategory.OperationTimeout,
                System.Net.Sockets.SocketException or System.IO.IOException or System.Net.Http.HttpRequestException => ErrorCategory.ConnectionError,
                UnauthorizedAccessException => ErrorCategory.PermissionDenied,
                ArgumentException => ErrorCategory.InvalidArgument,
                _ => ErrorCategory.NotSpecified,
            };
            return new ErrorRecord(exception, errorId, category, target);
        }

        internal static ErrorRecord InvalidArgument(string errorId, string message, object? target)
        {
            return From(new SwarmException(errorId, SwarmErrorKind.InvalidArgument, message), target);
        }

        internal static ErrorCategory Category(SwarmErrorKind kind) => kind switch
        {
            SwarmErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            SwarmErrorKind.ConnectionError => ErrorCategory.ConnectionError,
            SwarmErrorKind.SecurityError => ErrorCategory.SecurityError,
            SwarmErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            SwarmErrorKind.NotInstalled => ErrorCategory.NotInstalled,
            SwarmErrorKind.InvalidData => ErrorCategory.InvalidData,
            SwarmErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
            SwarmErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
            SwarmErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
            SwarmErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
            SwarmErrorKind.ResourceExists => ErrorCategory.ResourceExists,
            SwarmErrorKind.OperationStopped => ErrorCategory.OperationStopped,
            _ => ErrorCategory.NotSpecified,
        };
    }
}
