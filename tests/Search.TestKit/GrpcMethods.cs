using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Search.TestKit;

/// <summary>
/// Builds client-side method definitions from a generated service descriptor. Each service
/// project compiles its proto with the server stub only; describing the call from the descriptor
/// lets tests use the very message types the server uses, without a second generated copy.
/// </summary>
public static class GrpcMethods
{
    public static Method<TRequest, TResponse> Unary<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Create<TRequest, TResponse>(MethodType.Unary, service, name);

    public static Method<TRequest, TResponse> ServerStreaming<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Create<TRequest, TResponse>(MethodType.ServerStreaming, service, name);

    public static Method<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Create<TRequest, TResponse>(MethodType.ClientStreaming, service, name);

    private static Method<TRequest, TResponse> Create<TRequest, TResponse>(MethodType type, ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = service.FindMethodByName(name)
            ?? throw new ArgumentException($"{service.FullName} has no method {name}", nameof(name));
        if (method.InputType.ClrType != typeof(TRequest) || method.OutputType.ClrType != typeof(TResponse))
        {
            throw new ArgumentException($"{method.FullName} does not take {typeof(TRequest).Name} and return {typeof(TResponse).Name}");
        }

        return new Method<TRequest, TResponse>(type, service.FullName, method.Name, Marshaller<TRequest>(), Marshaller<TResponse>());
    }

    private static Marshaller<T> Marshaller<T>()
        where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom);
    }
}
